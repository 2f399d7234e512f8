import { describe, expect, it } from "vitest";
import { compileRegexPath, MAX_PATTERN_LENGTH, MAX_PROGRAM_SIZE, type RegexPath } from "../../../core/match/regex-path.ts";

function compiled(pattern: string, ignoreCase = true): RegexPath {
  const result = compileRegexPath(pattern, { ignoreCase });
  if (!result.ok) throw new Error(`expected ${pattern} to compile: ${result.problem}`);
  return result.regex;
}

function problemOf(pattern: string): string {
  const result = compileRegexPath(pattern, { ignoreCase: true });
  if (result.ok) throw new Error(`expected ${pattern} to be refused`);
  return result.problem;
}

describe("compileRegexPath", () => {
  describe("matches as nginx's location ~* \"^pattern\"", () => {
    it("matches from the path's first character and lets the match end anywhere", () => {
      const regex = compiled("/foo/.*");
      expect(regex.test("/foo/bar")).toBe(true);
      expect(regex.test("/foo/")).toBe(true);
      expect(regex.test("/x/foo/bar")).toBe(false);
      expect(compiled("/id/[0-9]+").test("/id/123a")).toBe(true);
    });
    it("anchors the end only where the pattern says $", () => {
      const regex = compiled("/id/[0-9]{3}$");
      expect(regex.test("/id/123")).toBe(true);
      expect(regex.test("/id/9999")).toBe(false);
      expect(regex.test("/id/123a")).toBe(false);
    });
    it("ignores case when asked (~*), and keeps it otherwise", () => {
      expect(compiled("/foo", true).test("/FOO/Bar")).toBe(true);
      expect(compiled("/foo", false).test("/FOO/Bar")).toBe(false);
      expect(compiled("/Foo", false).test("/Foo")).toBe(true);
    });
    it("puts ^ before the pattern as text, so a top-level alternative may match later in the path, as in nginx", () => {
      const regex = compiled("/a|/b");
      expect(regex.test("/a/x")).toBe(true);
      expect(regex.test("/x/b")).toBe(true);
      expect(compiled("/(a|b)").test("/x/b")).toBe(false);
    });
    it("does not take a bar inside a class or escaped for an alternative", () => {
      expect(compiled("/[|]x").test("/y/|x")).toBe(false);
      expect(compiled("/\\|x").test("/y/|x")).toBe(false);
      expect(compiled("/[]|]x").test("/y/|x")).toBe(false);
    });
  });

  describe("captures, as nginx's rewrite \"(?i)pattern\" takes them", () => {
    it("gives the whole match and every group, with \"\" for a group that took no part", () => {
      expect(compiled("/something(/|$)(.*)").captures("/something/new/x")).toEqual(["/something/new/x", "/", "new/x"]);
      expect(compiled("/something(/|$)(.*)").captures("/something")).toEqual(["/something", "", ""]);
      expect(compiled("/a(x)?/(.*)").captures("/a/b")).toEqual(["/a/b", "", "b"]);
    });
    it("ignores case in captures as in matching, and answers null when nothing matches", () => {
      expect(compiled("/foo/(.+)").captures("/FOO/Bar")).toEqual(["/FOO/Bar", "Bar"]);
      expect(compiled("/foo/(.+)").captures("/other")).toBeNull();
    });
  });

  describe("refuses, with a reason, what the engine cannot run in linear time or at all", () => {
    it.each([
      ["(a)\\1", "invalid escape sequence"],
      ["/foo(?=bar)", "invalid or unsupported Perl syntax"],
      ["/foo(?!bar)", "invalid or unsupported Perl syntax"],
      ["/(?<=a)b", "invalid named capture"],
      ["/foo(", "missing closing )"],
      ["/a{1001}", "invalid repeat count"],
    ])("%s: %s", (pattern, reason) => {
      expect(problemOf(pattern)).toContain(reason);
      expect(problemOf(pattern)).toContain("RE2");
    });
    it("refuses an empty pattern and one longer than the limit", () => {
      expect(problemOf("")).toBe("the pattern is empty");
      expect(problemOf(`/${"a".repeat(MAX_PATTERN_LENGTH)}`)).toContain(`longer than ${MAX_PATTERN_LENGTH}`);
    });
    it("refuses a pattern whose program is too large, though short to write", () => {
      expect(problemOf("/[a-z]{1000}[0-9]{1000}[a-f]{1000}")).toContain(`at most ${MAX_PROGRAM_SIZE}`);
    });
    it("takes the patterns backtracking engines choke on, and runs them over a long path", () => {
      const long = `/${"a".repeat(8191)}!`;
      expect(compiled("/(a+)+$").test(long)).toBe(false);
      expect(compiled("/(a|aa)*b").test(long)).toBe(false);
    });
  });

  describe("literal prefix, for indexes", () => {
    it.each([
      ["/foo/bar/(.+)", true, "/foo/bar/"],
      ["/API/v[0-9]+", true, "/api/v"],
      ["/API/v[0-9]+", false, "/API/v"],
      ["/ab?c", false, "/a"],
      ["/ab*c", false, "/a"],
      ["/ab{0,2}c", false, "/a"],
      ["/ab+c", false, "/ab"],
      ["/docs", true, "/docs"],
      ["/KB", true, "/kb"],
      ["(/foo)", true, ""],
      ["/a|/b", true, ""],
      ["/foo\\.bar", true, "/foo"],
    ])("%s (ignoring case: %s) starts with %j", (pattern, ignoreCase, prefix) => {
      expect(compiled(pattern, ignoreCase).literalPrefix).toBe(prefix);
    });
  });
});
