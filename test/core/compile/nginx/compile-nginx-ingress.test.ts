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

  describe("from-to-www-redirect", () => {
    it("redirects the name with or without www. to the host served, once, and not where an Ingress serves that name", () => {
      const www = { [`${P}from-to-www-redirect`]: "true" };
      const result = compile([
        ingress("default/a", [{ host: "www.a.test", service: "web", port: 80 }, { host: "b.test", service: "web", port: 80 }], { annotations: www }),
        ingress("default/c", [{ host: "c.test", service: "web", port: 80 }], { annotations: www }),
        ingress("default/www-c", [{ host: "www.c.test", service: "web", port: 80 }]),
      ]);
      expect(result.content.hostRedirects).toEqual([
        { from: "a.test", to: "www.a.test", ingress: "default/a" },
        { from: "www.b.test", to: "b.test", ingress: "default/a" },
      ]);
      expect(result.content.problems.map((p) => `${p.object}: ${p.reason}`)).toEqual(["default/c: from-to-www-redirect: an Ingress already serves www.c.test, so it is not redirected to c.test"]);
    });
  });

  describe("a canary", () => {
    const api = service("default/api", [{ port: 80, nodePort: 30081 }]);
    const apiReady = slice("default/api", [{ node: "node-a" }]);
    const compileWithApi = (ingresses: ClusterState["ingresses"]) =>
      compileTable(cluster({ services: [web, api], endpointSlices: [webReady, apiReady], ingresses }), defaultCompileOptions);
    const canaryOf = (key: string, paths: { host: string; path?: string }[], annotations: Record<string, string>, created = "2026-02-01T00:00:00Z") =>
      ingress(key, paths.map((p) => ({ ...p, service: "api", port: 80 })), { created, annotations: { [`${P}canary`]: "true", ...annotations } });

    it("attaches to the mainline rule of its host and path, even when older, and never serves on its own", () => {
      const result = compileWithApi([
        canaryOf("default/canary", [{ host: "x.test" }, { host: "x.test", path: "/other" }], { [`${P}canary-weight`]: "20", [`${P}canary-by-header`]: "X-Canary" }, "2025-01-01T00:00:00Z"),
        ingress("default/main", [{ host: "x.test", service: "web", port: 80 }]),
      ]);
      expect(result.content.hosts).toEqual([{
        host: "x.test",
        rules: [{ path: "/", pathType: "Prefix", backend: "default/web:80", ingress: "default/main", canary: { backend: "default/api:80", ingress: "default/canary", weight: 20, header: "X-Canary" } }],
      }]);
      expect(result.content.problems.map((p) => p.reason)).toEqual(["canary x.test /other: no mainline Ingress serves this host and path; left out"]);
      expect(result.served).toEqual(["default/canary", "default/main"]);
    });
    it("takes canary-by-header-pattern only beside a header and without a header value, and reports one the engine refuses", () => {
      const main = ingress("default/main", [{ host: "x.test", service: "web", port: 80 }]);
      const patterned = compileWithApi([main, canaryOf("default/canary", [{ host: "x.test" }], { [`${P}canary-by-header`]: "X-Canary", [`${P}canary-by-header-pattern`]: "^beta|^rc" })]);
      expect(patterned.content.hosts[0]?.rules[0]?.canary).toEqual({ backend: "default/api:80", ingress: "default/canary", header: "X-Canary", headerPattern: "^beta|^rc" });
      const valued = compileWithApi([main, canaryOf("default/canary", [{ host: "x.test" }], { [`${P}canary-by-header`]: "X-Canary", [`${P}canary-by-header-value`]: "on", [`${P}canary-by-header-pattern`]: "^beta" })]);
      expect(valued.content.hosts[0]?.rules[0]?.canary?.headerPattern).toBeUndefined();
      const refused = compileWithApi([main, canaryOf("default/canary", [{ host: "x.test" }], { [`${P}canary-by-header`]: "X-Canary", [`${P}canary-by-header-pattern`]: "(a)\\1" })]);
      expect(refused.content.hosts[0]?.rules[0]?.canary?.headerPattern).toBeUndefined();
      expect(refused.content.problems.map((p) => p.reason)).toEqual([
        `annotation ${P}canary-by-header-pattern: the pattern is not one the edge's engine (RE2) takes: invalid escape sequence: \`\\1\` (RE2 has no backreferences or lookaround); the canary is served without it`,
      ]);
    });
    it("lets the oldest canary of a path keep it, and leaves a canary without any mainline unserved", () => {
      const result = compileWithApi([
        ingress("default/main", [{ host: "x.test", service: "web", port: 80 }]),
        canaryOf("default/first", [{ host: "x.test" }], { [`${P}canary-weight`]: "10" }, "2026-02-01T00:00:00Z"),
        canaryOf("default/second", [{ host: "x.test" }], { [`${P}canary-weight`]: "90" }, "2026-03-01T00:00:00Z"),
        canaryOf("default/stray", [{ host: "y.test" }], {}),
      ]);
      expect(result.content.hosts[0]?.rules[0]?.canary?.ingress).toBe("default/first");
      expect(result.content.problems.map((p) => `${p.object}: ${p.reason}`)).toEqual([
        "default/second: canary x.test /: the older canary default/first already splits this path; left out",
        "default/stray: canary y.test /: no mainline Ingress serves this host and path; left out",
      ]);
      expect(result.served).toEqual(["default/first", "default/main"]);
    });
    it("takes its mainline's policy, not its own", () => {
      const result = compileWithApi([
        ingress("default/main", [{ host: "x.test", service: "web", port: 80 }], { annotations: { [`${P}whitelist-source-range`]: "10.0.0.0/8" } }),
        canaryOf("default/canary", [{ host: "x.test" }], { [`${P}whitelist-source-range`]: "0.0.0.0/0" }),
      ]);
      expect(result.content.policies).toEqual([{ ingress: "default/main", allow: ["10.0.0.0/8"] }]);
    });
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
