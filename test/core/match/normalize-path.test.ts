import { describe, expect, it } from "vitest";
import { normalizePath } from "../../../core/match/normalize-path.ts";

const normal = (raw: string): string | null => {
  const result = normalizePath(raw);
  return result.ok ? result.path : null;
};

describe("normalizePath", () => {
  it.each([
    ["/public/../admin", "/admin"],
    ["/public/%2e%2e/admin", "/admin"],
    ["/public/%2E%2E/admin", "/admin"],
    ["/a/./b/.", "/a/b/"],
    ["/a/b/..", "/a/"],
    ["/../../etc", "/etc"],
    ["/%7Euser", "/~user"],
    ["/%41%42c", "/ABc"],
  ])("removes dot segments and decodes unreserved characters: %s → %s", (raw, path) => {
    expect(normal(raw)).toBe(path);
  });
  it("keeps an encoded slash encoded, so it never becomes a separator", () => {
    expect(normal("/foo%2fbar")).toBe("/foo%2Fbar");
  });
  it("keeps other reserved escapes, with upper-case hex", () => {
    expect(normal("/a%3fb%20c")).toBe("/a%3Fb%20c");
  });
  it("keeps double slashes: they are forwarded as received", () => {
    expect(normal("//foo")).toBe("//foo");
  });
  it("reads an empty path as /", () => expect(normal("")).toBe("/"));
  it("rejects a malformed escape", () => expect(normalizePath("/a%zz").ok).toBe(false));
  it("rejects a path that does not start with /", () => expect(normalizePath("a/b").ok).toBe(false));
  it("is idempotent", () => {
    for (const raw of ["/a/../b/%2e/c%2F", "/x/./y/../../z", "/%7e/%41"]) {
      const once = normal(raw);
      expect(once === null ? null : normal(once)).toBe(once);
    }
  });
});
