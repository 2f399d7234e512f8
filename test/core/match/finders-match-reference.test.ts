import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { normalizePath } from "../../../core/match/normalize-path.ts";
import { createPackedFinder } from "../../../core/match/packed-finder.ts";
import { createReferenceFinder } from "../../../core/match/reference-finder.ts";
import { NO_RULE, numberRules } from "../../../core/match/route-finder.ts";
import { createTrieFinder } from "../../../core/match/trie-finder.ts";
import type { PathType, RoutingTable } from "../../../core/table/schema.ts";
import { buildTable, type RuleSpec } from "../../support/table-builder.ts";

// Small alphabets so that generated requests often hit generated rules, and the corners (trailing slashes,
// shared prefixes, wildcard labels) come up in almost every run.
const segment = fc.constantFrom("a", "b", "ab", "api", "v1", "", "A");
const path = fc.array(segment, { minLength: 0, maxLength: 4 }).map((parts) => `/${parts.join("/")}`);
const pathType = fc.constantFrom<PathType>("Exact", "Prefix", "ImplementationSpecific");
// Patterns over the same alphabet: literal starts, optional parts, end anchors, case, top-level alternatives.
const pattern = fc.constantFrom("/a", "/A", "/ab?", "/a.*", "/[ab]+$", "/api|/v1", "/v1/(a|b)", "/(.*)/b$", "/", "/a/b", "/ap[i]", "/A/B$");
const regexRule = fc.tuple(pattern, fc.boolean()).map(([p, ignoreCase]): RuleSpec => [p, "RegularExpression", ignoreCase]);
const host = fc.constantFrom("", "x.test", "*.test", "a.x.test", "*.x.test", "y.test");
const requestHost = fc.constantFrom("x.test", "a.x.test", "b.x.test", "a.test", "y.test", "z.other", "a.b.x.test");
const rules = fc.array(fc.oneof(fc.tuple(path, pathType), regexRule), { maxLength: 8 }).map((list) => dedupe(list));
const hosts = fc.dictionary(host, rules, { maxKeys: 5 });

function dedupe(list: RuleSpec[]): RuleSpec[] {
  const seen = new Set<string>();
  return list.filter(([p, type]) => {
    const slot = `${type === "Exact" ? "E" : type === "RegularExpression" ? "R" : "P"}${p}`;
    if (seen.has(slot)) return false;
    seen.add(slot);
    return true;
  });
}

describe.each([
  ["packed finder", createPackedFinder],
  ["packed finder, scanning at most two rules per host", (table: RoutingTable) => createPackedFinder(table, { maxScannedRules: 2 })],
  ["trie finder", createTrieFinder],
])("the %s", (_name, createFinder) => {
  it("decides exactly as the reference finder on generated tables and requests", () => {
    // Which kind of rule won, counted so that the property cannot pass on tables its requests never reach.
    const reached = new Set<string>();
    fc.assert(
      fc.property(hosts, fc.array(fc.tuple(requestHost, path), { minLength: 1, maxLength: 20 }), (table, requests) => {
        const built = buildTable(table);
        const fast = createFinder(built);
        const slow = createReferenceFinder(built);
        const numbered = numberRules(built);
        for (const [h, raw] of requests) {
          const normalized = normalizePath(raw);
          if (!normalized.ok) continue;
          const expected = slow.find(h, normalized.path);
          expect(fast.find(h, normalized.path)).toEqual(expected);
          const won = expected === NO_RULE ? undefined : numbered[expected];
          const kind = won?.rule.pathType === "Exact" || won?.rule.pathType === "RegularExpression" ? won.rule.pathType : "Prefix";
          reached.add(won === undefined ? "none" : `${won.host === "" ? "host-less" : won.host.startsWith("*.") ? "wildcard" : "precise"} ${kind}`);
        }
      }),
      { numRuns: 2000, seed: 20_261_202 },
    );
    expect([...reached].sort()).toEqual([
      "host-less Exact", "host-less Prefix", "host-less RegularExpression", "none",
      "precise Exact", "precise Prefix", "precise RegularExpression",
      "wildcard Exact", "wildcard Prefix", "wildcard RegularExpression",
    ]);
  });
});
