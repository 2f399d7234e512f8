import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { classifyNginxAnnotations } from "../../../../core/compile/nginx/classify-annotations.ts";
import { NGINX_ANNOTATIONS } from "../../../../core/compile/nginx/nginx-annotations.ts";

const P = "nginx.ingress.kubernetes.io/";
const upstream = readFileSync(new URL("./ingress-nginx-annotations.txt", import.meta.url), "utf8")
  .split("\n").filter((line) => line !== "" && !line.startsWith("#"));

describe("the ingress-nginx annotation inventory", () => {
  it("classifies every annotation ingress-nginx documents or parses, and nothing it does not", () => {
    expect(upstream.length).toBeGreaterThan(130);
    expect(upstream.filter((name) => !NGINX_ANNOTATIONS.has(name))).toEqual([]);
    expect([...NGINX_ANNOTATIONS.keys()].filter((name) => !upstream.includes(name))).toEqual([]);
  });
});

describe("classifyNginxAnnotations", () => {
  it("says nothing about an Ingress without ingress-nginx annotations", () => {
    expect(classifyNginxAnnotations({ "edge-ingress.dev/affinity": "cookie", "kubernetes.io/ingress.class": "nginx" })).toEqual({ ignored: [], refusals: [] });
  });
  it("says nothing about the annotations the edge honours", () => {
    expect(classifyNginxAnnotations({ [`${P}ssl-redirect`]: "false", [`${P}affinity`]: "cookie", [`${P}session-cookie-name`]: "s" })).toEqual({ ignored: [], refusals: [] });
  });
  it("lists, sorted, the annotations the Ingress is served without, unknown ones included", () => {
    expect(classifyNginxAnnotations({ [`${P}proxy-buffering`]: "on", [`${P}limit-rps`]: "10", [`${P}no-such-thing`]: "x" })).toEqual({
      ignored: [`${P}limit-rps`, `${P}no-such-thing`, `${P}proxy-buffering`],
      refusals: [],
    });
  });
  it.each(["auth-url", "auth-type", "auth-secret", "auth-tls-secret", "auth-tls-verify-client", "satisfy", "enable-modsecurity"])(
    "refuses the Ingress for %s: access control it does not enforce fails closed",
    (name) => {
      const verdict = classifyNginxAnnotations({ [`${P}${name}`]: "true" });
      expect(verdict.refusals).toEqual([`annotation ${P}${name} is access control the edge does not enforce; the Ingress is not served (it fails closed rather than serve its routes open)`]);
    },
  );
  it.each(["configuration-snippet", "server-snippet", "auth-snippet", "stream-snippet", "modsecurity-snippet"])(
    "refuses the Ingress for %s, as ingress-nginx does by default",
    (name) => {
      expect(classifyNginxAnnotations({ [`${P}${name}`]: "more_set_headers 'x: y';" }).refusals[0]).toMatch(/is raw nginx configuration, refused as ingress-nginx refuses it by default/);
    },
  );
  it("honours a canary's settings, header pattern included, and ignores canary settings on a mainline, as ingress-nginx does", () => {
    expect(classifyNginxAnnotations({ [`${P}canary`]: "true", [`${P}canary-weight`]: "10", [`${P}canary-by-header-pattern`]: "^a.*" })).toEqual({ ignored: [], refusals: [] });
    expect(classifyNginxAnnotations({ [`${P}canary`]: "false", [`${P}canary-weight`]: "10", [`${P}canary-by-header-pattern`]: "^a.*" })).toEqual({ ignored: [], refusals: [] });
  });
  it("lets a switch that is off pass without a report", () => {
    expect(classifyNginxAnnotations({ [`${P}enable-rewrite-log`]: "False", [`${P}enable-cors`]: "false", [`${P}enable-modsecurity`]: "false" })).toEqual({ ignored: [], refusals: [] });
    expect(classifyNginxAnnotations({ [`${P}enable-rewrite-log`]: "true" }).ignored).toEqual([`${P}enable-rewrite-log`]);
  });
  it("serves regex paths and rewrite-target", () => {
    expect(classifyNginxAnnotations({ [`${P}use-regex`]: "true", [`${P}rewrite-target`]: "/$1" })).toEqual({ ignored: [], refusals: [] });
  });
  it("says nothing of what the edge does anyway: the Service's nodePort (service-upstream), HTTP/1.1", () => {
    expect(classifyNginxAnnotations({ [`${P}service-upstream`]: "true", [`${P}proxy-http-version`]: "1.1", [`${P}affinity-mode`]: "persistent" })).toEqual({ ignored: [], refusals: [] });
    expect(classifyNginxAnnotations({ [`${P}affinity-mode`]: "balanced" }).ignored).toEqual([`${P}affinity-mode`]);
    expect(classifyNginxAnnotations({ [`${P}proxy-http-version`]: "1.0" }).ignored).toEqual([`${P}proxy-http-version`]);
  });
  it("quotes an annotation name Kubernetes would not accept before it reaches a report", () => {
    expect(classifyNginxAnnotations({ [`${P}bad\nname`]: "x" }).ignored).toEqual([`${P}"bad\\nname"`]);
  });
});
