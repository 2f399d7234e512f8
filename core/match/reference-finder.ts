import type { RoutingTable } from "../table/schema.ts";
import { compareRegexRules, compileRuleRegex } from "./regex-host.ts";
import { comparePrecedence, conditionsHold, hostBuckets, type MatchFacts, pathMatches, QueryReader } from "./rule-conditions.ts";
import { NO_RULE, numberRules, type RouteFinder } from "./route-finder.ts";

const PLAIN: MatchFacts = { scheme: "http" };

/**
 * The obviously correct finder: scans every rule and applies the Ingress and Gateway API rules as written. Used
 * to check the fast finders and as the readable statement of the semantics; too slow for the edge. Within a host
 * bucket: a matching Exact path (conditions holding), else the first matching RegularExpression pattern in
 * nginx's order (regex-host.ts), else the rest by Gateway API precedence (rule-conditions.ts).
 */
export function createReferenceFinder(table: RoutingTable): RouteFinder {
  const numbered = numberRules(table).map((entry, number) => ({ ...entry, number }));
  const deep = table.hosts.some((entry) => entry.host.startsWith("**."));
  return {
    find(host, path, facts = PLAIN) {
      const query = new QueryReader(facts.query ?? "");
      for (const bucket of hostBuckets(host, deep)) {
        const holding = numbered.filter((entry) => entry.host === bucket && (entry.rule.match === undefined || conditionsHold(entry.rule.match, facts, query)));
        let best: (typeof numbered)[number] | null = null;
        for (const entry of holding) {
          if (entry.rule.pathType === "RegularExpression" || !pathMatches(entry.rule, path)) continue;
          if (best === null || comparePrecedence(entry.rule, entry.number, best.rule, best.number) < 0) best = entry;
        }
        if (best !== null && best.rule.pathType === "Exact") return best.number;
        const patterns = holding.filter((entry) => entry.rule.pathType === "RegularExpression").map((entry) => ({ rule: entry.rule, index: entry.number })).sort(compareRegexRules);
        const matched = patterns.find(({ rule }) => compileRuleRegex(rule)?.test(path) === true);
        if (matched !== undefined) return matched.index;
        if (best !== null) return best.number;
      }
      return NO_RULE;
    },
  };
}
