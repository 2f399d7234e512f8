import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createConditionFinder } from "../../../core/match/condition-finder.ts";
import { normalizePath } from "../../../core/match/normalize-path.ts";
import { createPackedFinder } from "../../../core/match/packed-finder.ts";
import { createReferenceFinder } from "../../../core/match/reference-finder.ts";
import { NO_RULE, numberRules, type RouteFinder } from "../../../core/match/route-finder.ts";
import type { MatchFacts } from "../../../core/match/rule-conditions.ts";
import { createTrieFinder } from "../../../core/match/trie-finder.ts";
import { type RoutingTable, type Rule, type RuleMatch, routeSource, TABLE_SCHEMA } from "../../../core/table/schema.ts";

/** Every finder, wrapped as the edge wraps it, on Gateway API tables: conditions and any-depth wildcard hosts. */
const finders: Record<string, (table: RoutingTable) => RouteFinder> = {
  "packed finder": (table) => createConditionFinder(table, createPackedFinder),
  "packed finder with a trie for every host": (table) => createConditionFinder(table, (t) => createPackedFinder(t, { maxScannedRules: 0 })),
  "trie finder": (table) => createConditionFinder(table, createTrieFinder),
  "reference finder": createReferenceFinder,
};

interface RuleSpec {
  readonly path: string;
  readonly type?: "Exact" | "Prefix" | "RegularExpression";
  readonly match?: RuleMatch;
  /** Absent: an HTTPRoute's rule; else an Ingress's. */
  readonly ingress?: true;
  readonly name: string;
}

/** A table of rules by host, each named by its backend (`default/<name>:80`), in the order given. */
function tableOf(hosts: Record<string, readonly RuleSpec[]>): RoutingTable {
  const names = new Set(Object.values(hosts).flatMap((rules) => rules.map((r) => r.name)));
  return {
    schema: TABLE_SCHEMA,
    version: `sha256:${"0".repeat(64)}`,
    generation: 1,
    nodes: [{ name: "node-a", address: "127.0.0.2" }],
    hosts: Object.entries(hosts).map(([host, rules]) => ({
      host,
      rules: rules.map((r): Rule => ({
        path: r.path,
        pathType: r.type ?? "Prefix",
        backend: `default/${r.name}:80`,
        ingress: r.ingress === true ? "default/ing" : routeSource("default/route", 0),
        ...(r.match === undefined ? {} : { match: r.match }),
      })),
    })),
    defaultBackend: null,
    backends: [...names].map((name, i) => ({ id: `default/${name}:80`, nodePort: 30000 + i, targets: "all-nodes" as const })),
    tls: [],
    problems: [],
  };
}

const request = (headers: Record<string, string> = {}, rest: Partial<MatchFacts> = {}): MatchFacts => ({
  scheme: "http",
  header: (name) => headers[name] ?? null,
  ...rest,
});

describe.each(Object.entries(finders))("the %s on rules with conditions", (_name, createFinder) => {
  const winner = (table: RoutingTable, host: string, path: string, facts: MatchFacts = request()): string | null => {
    const found = createFinder(table).find(host, path, facts);
    return found === NO_RULE ? null : numberRules(table)[found]?.rule.backend.split(/[/:]/)[1] ?? "?";
  };

  describe("conditions", () => {
    const table = tableOf({
      "a.test": [
        { path: "/", name: "plain" },
        { path: "/", name: "header", match: { headers: [{ name: "version", value: "two" }] } },
        { path: "/", name: "two-headers", match: { headers: [{ name: "version", value: "two" }, { name: "color", value: "blue" }] } },
        { path: "/", name: "method", match: { method: "POST" } },
        { path: "/", name: "query", match: { query: [{ name: "animal", value: "whale" }] } },
        { path: "/", name: "https", match: { scheme: "https" } },
      ],
    });
    it("serves the rule without conditions when none holds", () => expect(winner(table, "a.test", "/x")).toBe("plain"));
    it("matches a header's exact value", () => expect(winner(table, "a.test", "/x", request({ version: "two" }))).toBe("header"));
    it("does not match another value", () => expect(winner(table, "a.test", "/x", request({ version: "Two" }))).toBe("plain"));
    it("prefers more headers", () => expect(winner(table, "a.test", "/x", request({ version: "two", color: "blue" }))).toBe("two-headers"));
    it("prefers a method over headers", () => expect(winner(table, "a.test", "/", request({ version: "two" }, { method: "POST" }))).toBe("method"));
    it("matches a query parameter, decoded, names exactly", () => {
      expect(winner(table, "a.test", "/", request({}, { query: "?animal=whale" }))).toBe("query");
      expect(winner(table, "a.test", "/", request({}, { query: "?animal=%77hale" }))).toBe("query");
      expect(winner(table, "a.test", "/", request({}, { query: "?Animal=whale" }))).toBe("plain");
    });
    it("matches a header pattern against the whole value (RE2)", () => {
      const patterned = tableOf({ "a.test": [{ path: "/", name: "plain" }, { path: "/", name: "pattern", match: { headers: [{ name: "version", value: "v[0-9]+", regex: true }] } }] });
      expect(winner(patterned, "a.test", "/", request({ version: "v12" }))).toBe("pattern");
      expect(winner(patterned, "a.test", "/", request({ version: "v12-beta" }))).toBe("plain");
      expect(winner(patterned, "a.test", "/", request({}))).toBe("plain");
    });
    it("prefers headers over query parameters", () => expect(winner(table, "a.test", "/", request({ version: "two" }, { query: "?animal=whale" }))).toBe("header"));
    it("serves a listener's side only on its scheme", () => {
      expect(winner(table, "a.test", "/", request({}, { scheme: "https" }))).toBe("plain");
      const httpsOnly = tableOf({ "a.test": [{ path: "/", name: "https", match: { scheme: "https" } }] });
      expect(winner(httpsOnly, "a.test", "/", request({}, { scheme: "https" }))).toBe("https");
      expect(winner(httpsOnly, "a.test", "/")).toBeNull();
    });
  });

  describe("path before conditions (Gateway API precedence)", () => {
    const table = tableOf({
      "a.test": [
        { path: "/", name: "root-header", match: { headers: [{ name: "version", value: "one" }] } },
        { path: "/v2", name: "v2" },
        { path: "/v2/exact", type: "Exact", name: "exact", match: { scheme: "http" } },
      ],
    });
    it("lets a longer Prefix beat a shorter one with a header", () => expect(winner(table, "a.test", "/v2/x", request({ version: "one" }))).toBe("v2"));
    it("lets an Exact path beat every Prefix", () => expect(winner(table, "a.test", "/v2/exact", request({ version: "one" }))).toBe("exact"));
    it("falls back to a shorter path whose conditions hold", () => {
      const fallback = tableOf({ "a.test": [{ path: "/", name: "root" }, { path: "/v2", name: "v2-header", match: { headers: [{ name: "version", value: "two" }] } }] });
      expect(winner(fallback, "a.test", "/v2/x")).toBe("root");
      expect(winner(fallback, "a.test", "/v2/x", request({ version: "two" }))).toBe("v2-header");
    });
  });

  describe("ties", () => {
    it("serves the rule first in table order (the compiler writes an Ingress's first, then routes oldest first)", () => {
      const table = tableOf({ "a.test": [{ path: "/", name: "ingress", ingress: true }, { path: "/", name: "route", match: { scheme: "http" } }] });
      expect(winner(table, "a.test", "/")).toBe("ingress");
    });
    it("lets a route's rule with a condition beat an Ingress's of the same path", () => {
      const table = tableOf({ "a.test": [{ path: "/", name: "ingress", ingress: true }, { path: "/", name: "route", match: { method: "GET" } }] });
      expect(winner(table, "a.test", "/")).toBe("route");
    });
  });

  describe("hosts", () => {
    const table = tableOf({
      "a.b.test": [{ path: "/", name: "precise", match: { method: "PUT" } }],
      "*.b.test": [{ path: "/", name: "one-label", ingress: true }],
      "**.b.test": [{ path: "/", name: "deep" }],
      "**.test": [{ path: "/", name: "deeper" }],
      "": [{ path: "/", name: "any", ingress: true }],
    });
    it("lets **.b.test match any number of labels", () => expect(winner(table, "x.y.b.test", "/")).toBe("deep"));
    it("prefers an Ingress's one-label wildcard over an any-depth one of the same suffix", () => expect(winner(table, "x.b.test", "/")).toBe("one-label"));
    it("falls through a precise host whose conditions do not hold", () => {
      expect(winner(table, "a.b.test", "/")).toBe("one-label");
      expect(winner(table, "a.b.test", "/", request({}, { method: "PUT" }))).toBe("precise");
    });
    it("prefers the longest wildcard suffix", () => expect(winner(table, "x.c.test", "/")).toBe("deeper"));
    it("does not let **.b.test match b.test", () => expect(winner(table, "b.test", "/")).toBe("deeper"));
    it("sends other hosts to the host-less rules", () => expect(winner(table, "other.example", "/")).toBe("any"));
  });
});

// Small alphabets so that generated requests often hit generated rules.
const segment = fc.constantFrom("a", "b", "v1", "");
const path = fc.array(segment, { maxLength: 3 }).map((parts) => `/${parts.join("/")}`);
const match = fc.record({
  scheme: fc.option(fc.constantFrom<"http" | "https">("http", "https"), { nil: undefined }),
  method: fc.option(fc.constantFrom("GET", "POST"), { nil: undefined }),
  headers: fc.option(fc.uniqueArray(fc.record({ name: fc.constantFrom("x", "y"), value: fc.constantFrom("1", "2") }), { minLength: 1, maxLength: 2, selector: (h) => h.name }), { nil: undefined }),
  query: fc.option(fc.uniqueArray(fc.record({ name: fc.constantFrom("q", "Q"), value: fc.constantFrom("1", "2") }), { minLength: 1, maxLength: 2, selector: (h) => h.name }), { nil: undefined }),
}, { requiredKeys: [] }).map((m) => Object.fromEntries(Object.entries(m).filter(([, v]) => v !== undefined)) as RuleMatch);
const pattern = fc.constantFrom("/a.*", "/(a|b)$", "/v1", "/a/b", "(?:/b.*)$", "/[ab]+/");
const ruleSpec = fc.oneof(
  fc.record({ path, type: fc.constantFrom<"Exact" | "Prefix">("Exact", "Prefix"), match: fc.option(match, { nil: undefined }) }),
  fc.record({ path: pattern, type: fc.constant<"RegularExpression">("RegularExpression"), match: fc.option(match, { nil: undefined }) }),
);
const hostKey = fc.constantFrom("", "x.test", "*.test", "**.test", "**.x.test", "a.x.test");
const generatedTable = fc.dictionary(hostKey, fc.array(ruleSpec, { maxLength: 6 }), { maxKeys: 4 }).map((hosts) => {
  let n = 0;
  return tableOf(Object.fromEntries(Object.entries(hosts).map(([host, rules]) => [host, rules.map((r) => ({
    path: r.path,
    type: r.type,
    name: `b${n++}`,
    ...(r.match === undefined || Object.keys(r.match).length === 0 ? {} : { match: r.match }),
    // Ingress rules never carry conditions, nor live on any-depth hosts.
    ...(r.match === undefined && !host.startsWith("**.") ? { ingress: true as const } : {}),
  }))])));
});
const facts = fc.record({
  host: fc.constantFrom("x.test", "a.x.test", "b.a.x.test", "y.test", "other"),
  path,
  scheme: fc.constantFrom<"http" | "https">("http", "https"),
  method: fc.constantFrom("GET", "POST"),
  x: fc.option(fc.constantFrom("1", "2"), { nil: null }),
  query: fc.constantFrom("", "?q=1", "?Q=2&q=2", "?q=2&q=1"),
});

describe.each(Object.entries(finders).filter(([name]) => name !== "reference finder"))("the %s", (_name, createFinder) => {
  it("decides exactly as the reference finder on generated Gateway API tables and requests", () => {
    let matched = 0;
    let regexWins = 0;
    fc.assert(
      fc.property(generatedTable, fc.array(facts, { minLength: 1, maxLength: 15 }), (table, requests) => {
        const fast = createFinder(table);
        const slow = createReferenceFinder(table);
        for (const r of requests) {
          const normalized = normalizePath(r.path);
          if (!normalized.ok) continue;
          const input: MatchFacts = { scheme: r.scheme, method: r.method, query: r.query, header: (name) => (name === "x" ? r.x : null) };
          const expected = slow.find(r.host, normalized.path, input);
          if (expected !== NO_RULE) matched++;
          if (numberRules(table)[expected]?.rule.pathType === "RegularExpression") regexWins++;
          expect(fast.find(r.host, normalized.path, input)).toBe(expected);
        }
      }),
      { numRuns: 1500, seed: 20_261_202 },
    );
    expect(matched).toBeGreaterThan(1000);
    expect(regexWins).toBeGreaterThan(50);
  });
});
