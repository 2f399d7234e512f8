import { describe, expect, it } from "vitest";
import type { PolicyRequest } from "../../../core/policy/policy-step.ts";
import { replacePath, routeRedirectStep } from "../../../core/policy/route-redirect.ts";

describe("Gateway API path replacement", () => {
  // The table in apis/v1/httproute_types.go (HTTPPathModifier), row by row.
  it.each([
    ["/foo/bar", "/foo", "/xyz", "/xyz/bar"],
    ["/foo/bar", "/foo", "/xyz/", "/xyz/bar"],
    ["/foo/bar", "/foo/", "/xyz", "/xyz/bar"],
    ["/foo/bar", "/foo/", "/xyz/", "/xyz/bar"],
    ["/foo", "/foo", "/xyz", "/xyz"],
    ["/foo/", "/foo", "/xyz", "/xyz/"],
    ["/foo/bar", "/foo", "", "/bar"],
    ["/foo/", "/foo", "", "/"],
    ["/foo", "/foo", "", "/"],
    ["/foo/", "/foo", "/", "/"],
    ["/foo", "/foo", "/", "/"],
  ])("%s matched by prefix %s, replaced by %j, is %s", (path, prefix, replacement, expected) => {
    expect(replacePath(path, prefix, { prefix: replacement })).toBe(expected);
  });

  it("replaces the whole path with ReplaceFullPath", () => expect(replacePath("/a/b", "/a", { full: "/c" })).toBe("/c"));
});

describe("an HTTPRoute RequestRedirect", () => {
  const request = (scheme: "http" | "https", path: string, query = ""): PolicyRequest => ({
    scheme, host: "example.com", rawPath: path, path, query, method: "GET", clientIp: null, matchedPrefix: "/old", header: () => null,
  });
  const location = (step: ReturnType<typeof routeRedirectStep>, r: PolicyRequest) => step(r)?.headers.find(([name]) => name === "location")?.[1];

  it("keeps what it does not replace, the query included, and answers 302 by default", () => {
    const step = routeRedirectStep({ status: 302 });
    expect(step(request("http", "/old/x", "?a=1"))).toEqual({ status: 302, headers: [["location", "http://example.com/old/x?a=1"]], reason: "HTTPRoute RequestRedirect" });
  });
  it("writes a port only when it is not the scheme's own", () => {
    expect(location(routeRedirectStep({ status: 302, port: 80 }), request("http", "/"))).toBe("http://example.com/");
    expect(location(routeRedirectStep({ status: 302, port: 8080 }), request("http", "/"))).toBe("http://example.com:8080/");
    expect(location(routeRedirectStep({ status: 302, scheme: "https", port: 443 }), request("http", "/"))).toBe("https://example.com/");
    expect(location(routeRedirectStep({ status: 302, scheme: "https", port: 8443 }), request("http", "/"))).toBe("https://example.com:8443/");
  });
  it("replaces host and matched prefix, with the status asked for", () => {
    const step = routeRedirectStep({ status: 301, hostname: "example.org", path: { prefix: "/new" } });
    expect(step(request("https", "/old/lemon"))).toMatchObject({ status: 301, headers: [["location", "https://example.org/new/lemon"]] });
  });
});
