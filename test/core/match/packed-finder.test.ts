import { describe, expect, it } from "vitest";
import { createPackedFinder } from "../../../core/match/packed-finder.ts";
import { createReferenceFinder } from "../../../core/match/reference-finder.ts";
import { buildTable } from "../../support/table-builder.ts";

describe("the packed finder", () => {
  const unpackable = buildTable({
    [`${"a".repeat(300)}.test`]: [["/long-host", "Prefix"]],
    "日本.test": [["/", "Prefix"]],
    "paths.test": [["/ok", "Prefix"], ["/路径", "Prefix"], ["/路径/ponte", "Exact"]],
    "*.wild.test": [["/ulica-ł", "Prefix"]],
    "": [["/€", "Prefix"], ["/", "Prefix"]],
  });
  const requests: [string, string][] = [
    [`${"a".repeat(300)}.test`, "/long-host/x"],
    ["日本.test", "/anything"],
    ["paths.test", "/路径/ponte"],
    ["paths.test", "/路径/x"],
    ["paths.test", "/ok"],
    ["x.wild.test", "/ulica-ł/1"],
    ["x.wild.test", "/other"],
    ["elsewhere.test", "/€/x"],
  ];

  it.each(requests)("keeps a trie for a host it cannot pack, and still decides as the reference for %s %s", (host, path) => {
    expect(createPackedFinder(unpackable).find(host, path)).toBe(createReferenceFinder(unpackable).find(host, path));
  });

  it("serves a host with more rules than it scans through a trie, deciding as the reference", () => {
    const rules = Array.from({ length: 100 }, (_, i) => [`/p${i}`, i % 3 === 0 ? "Exact" : "Prefix"] as const);
    const table = buildTable({ "big.test": rules, "small.test": rules.slice(0, 3) });
    const packed = createPackedFinder(table, { maxScannedRules: 10 });
    const reference = createReferenceFinder(table);
    for (const host of ["big.test", "small.test"]) {
      for (const path of ["/p0", "/p1/x", "/p2", "/p99", "/p99/y", "/q"]) expect(packed.find(host, path)).toBe(reference.find(host, path));
    }
  });

  it("compares every character of a host, not just its hash", () => {
    const table = buildTable({ "ab.test": [["/", "Prefix"]] });
    const finder = createPackedFinder(table);
    expect(finder.find("ab.test", "/")).toBe(0);
    expect(finder.find("ba.test", "/")).toBe(-1);
    expect(finder.find("ab.tesT", "/")).toBe(-1);
  });
});
