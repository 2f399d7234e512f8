import { describe, expect, it } from "vitest";
import type { ClusterState } from "../../../../core/compile/cluster-objects.ts";
import { compileTable, type CompileResult } from "../../../../core/compile/compile-table.ts";
import { defaultCompileOptions } from "../../../../core/compile/compile-options.ts";
import { cluster, ingress, service, slice } from "../../../support/cluster-builder.ts";

const P = "nginx.ingress.kubernetes.io/";
const web = service("default/web", [{ name: "http", port: 80, nodePort: 30080 }]);
const webReady = slice("default/web", [{ node: "node-a" }], ["http"]);

function compile(ingresses: ClusterState["ingresses"]): CompileResult {
  return compileTable(cluster({ services: [web], endpointSlices: [webReady], ingresses }), defaultCompileOptions);
}

const withAnnotations = (key: string, annotations: Record<string, string>, host = "x.test") =>
  ingress(key, [{ host, service: "web", port: 80 }], { annotations, tls: [host] });

describe("an Ingress written for ingress-nginx", () => {
  it("is served without the annotations the edge does not support, each reported as compile prints it", () => {
    const result = compile([withAnnotations("default/a", { [`${P}limit-rps`]: "5", [`${P}proxy-buffering`]: "on" })]);
    expect(result.served).toEqual(["default/a"]);
    expect(result.content.hosts.map((h) => h.host)).toEqual(["x.test"]);
    expect(result.content.problems.map((p) => `${p.object}: ${p.reason}`)).toEqual([
      `default/a: annotation ${P}limit-rps is not supported at the edge; served without it`,
      `default/a: annotation ${P}proxy-buffering is not supported at the edge; served without it`,
    ]);
    expect(result.verdicts.get("default/a")?.ignored).toEqual([`${P}limit-rps`, `${P}proxy-buffering`]);
  });

  it("is not served at all when it asks for access control the edge does not enforce, while the others are", () => {
    const result = compile([
      withAnnotations("default/admin", { [`${P}auth-url`]: "http://auth.example/verify", [`${P}limit-rps`]: "5" }, "admin.test"),
      withAnnotations("default/shop", {}, "shop.test"),
    ]);
    expect(result.served).toEqual(["default/shop"]);
    expect(result.content.hosts.map((h) => h.host)).toEqual(["shop.test"]);
    expect(result.content.tls.map((t) => t.host)).toEqual(["shop.test"]);
    expect(result.content.problems.map((p) => p.reason)).toEqual([
      `annotation ${P}auth-url is access control the edge does not enforce; the Ingress is not served (it fails closed rather than serve its routes open)`,
    ]);
  });

  it("is not served when it carries a snippet, and its backend is not even resolved", () => {
    const result = compile([ingress("default/a", [{ host: "x.test", service: "missing", port: 80 }], { annotations: { [`${P}server-snippet`]: "return 200;" } })]);
    expect(result.served).toEqual([]);
    expect(result.content.backends).toEqual([]);
    expect(result.content.problems).toHaveLength(1);
  });

  it("leaves a canary out, so that its mainline keeps serving the path whichever is older", () => {
    const canary = ingress("default/canary", [{ host: "x.test", service: "web", port: 80 }], { created: "2025-01-01T00:00:00Z", annotations: { [`${P}canary`]: "true", [`${P}canary-weight`]: "50" } });
    const mainline = ingress("default/main", [{ host: "x.test", service: "web", port: 80 }]);
    const result = compile([canary, mainline]);
    expect(result.content.hosts[0]?.rules.map((r) => r.ingress)).toEqual(["default/main"]);
  });

  describe("honours the annotations it shares with the edge", () => {
    it("ssl-redirect: \"false\" serves plain http on a TLS host", () => {
      const result = compile([withAnnotations("default/a", { [`${P}ssl-redirect`]: "false" })]);
      expect(result.content.tls).toEqual([{ host: "x.test", redirect: false }]);
      expect(result.content.problems).toEqual([]);
    });
    it("backend-protocol: HTTPS speaks TLS to the nodePort, and GRPC is reported under the name the author wrote", () => {
      expect(compile([withAnnotations("default/a", { [`${P}backend-protocol`]: "HTTPS" })]).content.backends[0]?.protocol).toBe("https");
      const grpc = compile([withAnnotations("default/a", { [`${P}backend-protocol`]: "GRPC" })]);
      expect(grpc.content.backends[0]?.protocol).toBeUndefined();
      expect(grpc.content.problems[0]?.reason).toMatch(new RegExp(`^annotation ${P}backend-protocol: "GRPC" is not supported`));
    });
    it("affinity: cookie pins with the edge's signed cookie under ingress-nginx's name and settings", () => {
      const result = compile([withAnnotations("default/a", {
        [`${P}affinity`]: "cookie",
        [`${P}session-cookie-expires`]: "172800",
        [`${P}session-cookie-samesite`]: "Lax",
      })]);
      expect(result.content.backends[0]?.affinity).toEqual({ mode: "cookie", name: "INGRESSCOOKIE", path: "/", maxAge: 172800, sameSite: "Lax" });
      const named = compile([withAnnotations("default/a", { [`${P}affinity`]: "cookie", [`${P}session-cookie-name`]: "route", [`${P}session-cookie-max-age`]: "60", [`${P}session-cookie-expires`]: "9" })]);
      expect(named.content.backends[0]?.affinity).toEqual({ mode: "cookie", name: "route", path: "/", maxAge: 60 });
    });
    it("lets the edge's own annotation win over ingress-nginx's", () => {
      const result = compile([withAnnotations("default/a", { [`${P}ssl-redirect`]: "false", "edge-ingress.dev/ssl-redirect": "true" })]);
      expect(result.content.tls).toEqual([{ host: "x.test", redirect: true }]);
    });
    it("reports an invalid value, cut short, under the ingress-nginx name", () => {
      const result = compile([withAnnotations("default/a", { [`${P}session-cookie-max-age`]: "x".repeat(100), [`${P}affinity`]: "cookie" })]);
      expect(result.content.problems.map((p) => p.reason)).toEqual([`annotation ${P}session-cookie-max-age: "${"x".repeat(64)}…" is not a whole number of seconds; using the default`]);
    });
  });
});
