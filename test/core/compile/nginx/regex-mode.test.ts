import { describe, expect, it } from "vitest";
import type { ClusterState } from "../../../../core/compile/cluster-objects.ts";
import { compileTable, type CompileResult } from "../../../../core/compile/compile-table.ts";
import { defaultCompileOptions } from "../../../../core/compile/compile-options.ts";
import { compileRoutes, matchRequest } from "../../../../core/match/match-request.ts";
import { sealTable } from "../../../../core/table/hash-table.ts";
import { validateTable } from "../../../../core/table/validate-table.ts";
import { cluster, ingress, type PathSpec, service, slice } from "../../../support/cluster-builder.ts";

const P = "nginx.ingress.kubernetes.io/";
const services = ["web", "api", "other"].map((name, i) => service(`default/${name}`, [{ port: 80, nodePort: 30080 + i }]));
const slices = ["web", "api", "other"].map((name) => slice(`default/${name}`, [{ node: "node-a" }]));

function compile(ingresses: ClusterState["ingresses"]): CompileResult {
  return compileTable(cluster({ services, endpointSlices: slices, ingresses }), defaultCompileOptions);
}

const regex = { [`${P}use-regex`]: "true" };
const at = (path: string, pathType: string, serviceName = "web"): PathSpec => ({ host: "r.test", path, pathType, service: serviceName, port: 80 });

/** host → "pattern (RegularExpression, ignoreCase) → Service" lines, as the table states them. */
function rulesOf(result: CompileResult, host = "r.test"): string[] {
  const entry = result.content.hosts.find((h) => h.host === host);
  return (entry?.rules ?? []).map((rule) => `${rule.path} ${rule.pathType}${rule.ignoreCase === true ? " i" : ""} → ${rule.backend.split(":")[0] ?? ""}`);
}

/** Which Service the edge would send a GET for the path to, through the matcher the worker uses. */
function serviceFor(result: CompileResult, path: string, host = "r.test"): string | null {
  const decision = matchRequest(compileRoutes({ ...result.content, version: `sha256:${"0".repeat(64)}`, generation: 1 }), { scheme: "http", host, path });
  return decision.kind === "route" ? decision.hit.backend.id.split(":")[0] ?? null : null;
}

describe("ingress-nginx's regex mode", () => {
  it("serves a use-regex Ingress's paths as case-insensitive patterns anchored at the start only", () => {
    const result = compile([ingress("default/ids", [at("/id/[0-9]+", "Prefix"), at("/v/[0-9]{3}$", "ImplementationSpecific")], { annotations: regex })]);
    expect(rulesOf(result)).toEqual(["/id/[0-9]+ RegularExpression i → default/web", "/v/[0-9]{3}$ RegularExpression i → default/web"]);
    expect(serviceFor(result, "/id/123a")).toBe("default/web");
    expect(serviceFor(result, "/ID/1")).toBe("default/web");
    expect(serviceFor(result, "/id/aaa")).toBeNull();
    expect(serviceFor(result, "/v/9999")).toBeNull();
    expect(result.content.problems).toEqual([]);
  });

  it("takes every path of the host into regex mode, whatever Ingress wrote it, and says so to the others", () => {
    const result = compile([
      ingress("default/plain", [at("/foo", "Prefix", "api"), at("/exact", "Exact", "other")], { created: "2026-01-01T00:00:00Z" }),
      ingress("default/regex", [at("/foo.+", "ImplementationSpecific")], { annotations: { ...regex, [`${P}rewrite-target`]: "/new/backend" }, created: "2026-01-02T00:00:00Z" }),
      ingress("default/elsewhere", [{ host: "plain.test", path: "/foo", pathType: "Prefix", service: "web", port: 80 }]),
    ]);
    // Prefix /foo is split as ingress-nginx splits it: /foo/ and /foo; Exact /exact becomes ^/exact, a prefix.
    expect(rulesOf(result)).toEqual([
      "/exact RegularExpression i → default/other",
      "/foo RegularExpression i → default/api",
      "/foo.+ RegularExpression i → default/web",
      "/foo/ RegularExpression i → default/api",
    ]);
    expect(serviceFor(result, "/foo")).toBe("default/api");
    expect(serviceFor(result, "/foo/bar")).toBe("default/web");
    expect(serviceFor(result, "/exactly")).toBe("default/other");
    expect(serviceFor(result, "/EXACT")).toBe("default/other");
    expect(rulesOf(result, "plain.test")).toEqual(["/foo Prefix → default/web"]);
    expect(result.content.problems.map((p) => `${p.object}: ${p.reason}`)).toEqual([
      "default/plain: r.test is in ingress-nginx's regex mode (use-regex or rewrite-target on default/regex): its paths are served as case-insensitive patterns anchored at the start only, as ingress-nginx serves them",
    ]);
  });

  it("lets the first pattern win in ingress-nginx's order, longest first, not the longest literal match (its documented warning)", () => {
    const result = compile([
      ingress("default/plain", [at("/foo/bar/bar", "Prefix", "api")]),
      ingress("default/regex", [at("/foo/bar/[A-Z0-9]{3}", "ImplementationSpecific")], { annotations: regex }),
    ]);
    expect(serviceFor(result, "/foo/bar/bar")).toBe("default/web");
    expect(serviceFor(result, "/foo/bar/b-r")).toBeNull();
  });

  it("does not split a Prefix path that an Exact rule of the host already holds", () => {
    const result = compile([ingress("default/mixed", [at("/a", "Exact", "api"), at("/a", "Prefix", "other")], { annotations: regex })]);
    expect(rulesOf(result)).toEqual(["/a RegularExpression i → default/api"]);
    expect(result.content.problems.map((p) => p.reason)).toEqual([
      "r.test /a: the same pattern of an earlier path is matched first; left out",
    ]);
  });

  it("is entered by rewrite-target alone, but not by a target equal to the path (ingress-nginx's needsRewrite)", () => {
    const rewriting = compile([ingress("default/rw", [at("/app/(.*)", "ImplementationSpecific")], { annotations: { [`${P}rewrite-target`]: "/$1" } })]);
    expect(rulesOf(rewriting)).toEqual(["/app/(.*) RegularExpression i → default/web"]);
    const same = compile([ingress("default/rw", [at("/app", "Prefix")], { annotations: { [`${P}rewrite-target`]: "/app" } })]);
    expect(rulesOf(same)).toEqual(["/app Prefix → default/web"]);
  });

  it("keeps a pattern as written, without normalising dot segments", () => {
    const result = compile([ingress("default/dots", [at("/a/./b", "ImplementationSpecific")], { annotations: regex })]);
    expect(rulesOf(result)).toEqual(["/a/./b RegularExpression i → default/web"]);
    expect(serviceFor(result, "/a/x/b")).toBe("default/web");
  });

  it("reports a pattern the engine refuses and serves the host's other paths", () => {
    const result = compile([ingress("default/bad", [at("/(a)\\1", "ImplementationSpecific"), at("/ok/(?=x)", "ImplementationSpecific"), at("/fine/.*", "ImplementationSpecific")], { annotations: regex })]);
    expect(rulesOf(result)).toEqual(["/fine/.* RegularExpression i → default/web"]);
    expect(result.content.problems.map((p) => p.reason)).toEqual([
      expect.stringMatching(/^r\.test \/\(a\)\\1: the pattern is not one the edge's engine \(RE2\) takes: invalid escape sequence/),
      expect.stringMatching(/^r\.test \/ok\/\(\?=x\): the pattern is not one the edge's engine \(RE2\) takes: invalid or unsupported Perl syntax/),
    ]);
    expect(result.served).toEqual(["default/bad"]);
  });

  it("keeps a canary on its mainline's path in regex mode", () => {
    const result = compile([
      ingress("default/main", [at("/api/v[0-9]+", "ImplementationSpecific")], { annotations: regex }),
      ingress("default/canary", [at("/api/v[0-9]+", "ImplementationSpecific", "api")], { annotations: { [`${P}canary`]: "true", [`${P}canary-weight`]: "10" } }),
    ]);
    expect(result.content.hosts[0]?.rules[0]?.canary).toEqual({ backend: "default/api:80", ingress: "default/canary", weight: 10 });
  });

  it("writes a table the worker's validation takes, and one without regex paths keeps the bytes it had", async () => {
    const result = compile([ingress("default/ids", [at("/id/[0-9]+", "Prefix")], { annotations: regex })]);
    expect(validateTable(JSON.parse(JSON.stringify(await sealTable(result.content, 1)))).ok).toBe(true);
    const plain = compile([ingress("default/plain", [at("/id", "Prefix")])]);
    expect(JSON.stringify(plain.content)).not.toMatch(/RegularExpression|ignoreCase/);
  });
});
