import { describe, expect, it } from "vitest";
import { compileRegexPath, type RegexPath } from "../../../core/match/regex-path.ts";
import { compileRewrite } from "../../../core/policy/rewrite-path.ts";

function regex(pattern: string): RegexPath {
  const compiled = compileRegexPath(pattern, { ignoreCase: true });
  if (!compiled.ok) throw new Error(compiled.problem);
  return compiled.regex;
}

describe("compileRewrite", () => {
  it("rewrites as ingress-nginx's documented example: /something(/|$)(.*) to /$2", () => {
    const rewrite = compileRewrite(regex("/something(/|$)(.*)"), "/$2", null);
    expect(rewrite("/something").path).toBe("/");
    expect(rewrite("/something/").path).toBe("/");
    expect(rewrite("/something/new").path).toBe("/new");
  });
  it("replaces the whole path with a target without captures", () => {
    expect(compileRewrite(regex("/foo.+"), "/new/backend", null)("/foo/bar").path).toBe("/new/backend");
  });
  it("takes the captures of a match made without case, and leaves a missing group empty", () => {
    const rewrite = compileRewrite(regex("/foo/bar/(.+)"), "/new/backend/$1$3", null);
    expect(rewrite("/FOO/bar/Baz").path).toBe("/new/backend/Baz");
  });
  it("reads $ and one digit, as nginx does: $12 is $1 then 2", () => {
    expect(compileRewrite(regex("/(a)(b)"), "/$12", null)("/ab").path).toBe("/a2");
  });
  it("sends X-Forwarded-Prefix, with the same captures, only with the rewrite", () => {
    const rewrite = compileRewrite(regex("/(shop)/(.*)"), "/$2", "/$1");
    expect(rewrite("/shop/cart")).toEqual({ path: "/cart", upstreamHeaders: [["x-forwarded-prefix", "/shop"]] });
    expect(compileRewrite(regex("/(shop)/(.*)"), "/$2", null)("/shop/cart").upstreamHeaders).toBeNull();
  });
});
