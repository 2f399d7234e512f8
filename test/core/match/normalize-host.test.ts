import { describe, expect, it } from "vitest";
import { normalizeHost } from "../../../core/match/normalize-host.ts";

describe("normalizeHost", () => {
  it.each([
    ["Foo.Example.COM", "foo.example.com"],
    ["foo.example.com:8443", "foo.example.com"],
    ["foo.example.com.", "foo.example.com"],
    ["foo.example.com.:80", "foo.example.com"],
    ["[::1]:8787", "[::1]"],
  ])("reads %s as %s", (raw, host) => expect(normalizeHost(raw)).toBe(host));
  it.each(["", "foo bar", "*.example.com", "foo/bar", "a@b.com", "foo.com:x"])("refuses %j", (raw) => {
    expect(normalizeHost(raw)).toBeNull();
  });
});
