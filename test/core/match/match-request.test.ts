import { describe, expect, it } from "vitest";
import { compileRoutes, matchRequest, type RouteRequest } from "../../../core/match/match-request.ts";
import { buildTable } from "../../support/table-builder.ts";

const routes = compileRoutes(buildTable(
  {
    "secure.test": [["/", "Prefix"]],
    "plain.test": [["/admin", "Exact"], ["/public", "Prefix"]],
    "*.wild.test": [["/", "Prefix"]],
    "optout.test": [["/", "Prefix"]],
  },
  { tls: [{ host: "secure.test", redirect: true }, { host: "*.wild.test", redirect: true }, { host: "optout.test", redirect: false }], defaultBackend: true },
));

const decide = (request: Partial<RouteRequest>) => matchRequest(routes, { scheme: "https", host: "plain.test", path: "/", ...request });

describe("matchRequest", () => {
  it("routes on the normalised path and returns it for forwarding", () => {
    const decision = decide({ path: "/public/../admin" });
    expect(decision.kind).toBe("route");
    if (decision.kind === "route") {
      expect(decision.path).toBe("/admin");
      expect(decision.hit.rule?.pathType).toBe("Exact");
    }
  });
  it("cannot be led past a rule by encoded dots", () => {
    const decision = decide({ path: "/public/%2e%2e/secret" });
    expect(decision.kind === "route" && decision.hit.rule === null && decision.path === "/secret").toBe(true);
  });
  it("matches the host case-insensitively, without its port or trailing dot", () => {
    const decision = decide({ host: "PLAIN.test.:8443", path: "/admin" });
    expect(decision.kind === "route" && decision.hit.host === "plain.test").toBe(true);
  });
  it("redirects plain http to https for a TLS host, keeping path and query", () => {
    expect(decide({ scheme: "http", host: "secure.test", path: "/a/./b", query: "?x=1" })).toMatchObject({ kind: "redirect", location: "https://secure.test/a/b?x=1" });
  });
  it("redirects plain http for a host under a wildcard TLS entry", () => {
    expect(decide({ scheme: "http", host: "app.wild.test" })).toMatchObject({ kind: "redirect", location: "https://app.wild.test/" });
  });
  it("does not redirect https, nor a TLS host that opted out", () => {
    expect(decide({ host: "secure.test" }).kind).toBe("route");
    expect(decide({ scheme: "http", host: "optout.test" }).kind).toBe("route");
  });
  it("sends what no rule matches to the default backend", () => {
    const decision = decide({ host: "unknown.test", path: "/x" });
    expect(decision.kind === "route" && decision.hit.rule === null && decision.hit.ingress === "default/fallback").toBe(true);
  });
  it("sends a known host's request that none of its paths match to the default backend", () => {
    const decision = decide({ host: "plain.test", path: "/elsewhere" });
    expect(decision.kind === "route" && decision.hit.rule === null && decision.hit.ingress === "default/fallback").toBe(true);
  });
  it("matches nothing when there is no default backend", () => {
    const bare = compileRoutes(buildTable({ "a.test": [["/", "Prefix"]] }));
    expect(matchRequest(bare, { scheme: "https", host: "b.test", path: "/" })).toEqual({ kind: "none", path: "/" });
  });
  it("refuses a malformed path or host instead of guessing", () => {
    expect(decide({ path: "/%zz" }).kind).toBe("bad-request");
    expect(decide({ host: "evil.test/@x" }).kind).toBe("bad-request");
  });

  describe("rewrite-target", () => {
    const base = buildTable({ "rw.test": [["/api/(v[0-9]+)/(.*)", "RegularExpression", true], ["/static", "RegularExpression", true]] });
    const rewriting = compileRoutes({ ...base, policies: [{ ingress: "default/ing", rewriteTarget: "/$2", forwardedPrefix: "/api/$1" }] });
    const route = (path: string, query = "") => matchRequest(rewriting, { scheme: "https", host: "rw.test", path, query });
    it("forwards the rewritten path, and says which path the rule matched", () => {
      expect(route("/API/v2/users/7", "?page=1")).toMatchObject({ kind: "route", path: "/users/7", rewrittenFrom: "/API/v2/users/7", upstreamHeaders: [["x-forwarded-prefix", "/api/v2"]] });
    });
    it("rewrites every pattern of the Ingress but one equal to the target, as ingress-nginx's needsRewrite", () => {
      const same = compileRoutes({ ...base, policies: [{ ingress: "default/ing", rewriteTarget: "/static" }] });
      const decision = matchRequest(same, { scheme: "https", host: "rw.test", path: "/static/x" });
      expect(decision.kind === "route" && decision.path === "/static/x" && decision.rewrittenFrom === undefined).toBe(true);
    });
    it("does not rewrite a rule without a pattern: it has no captures to give", () => {
      const plain = compileRoutes({ ...buildTable({ "rw.test": [["/api", "Prefix"]] }), policies: [{ ingress: "default/ing", rewriteTarget: "/$1" }] });
      const decision = matchRequest(plain, { scheme: "https", host: "rw.test", path: "/api/x" });
      expect(decision.kind === "route" && decision.path === "/api/x").toBe(true);
    });
  });
});
