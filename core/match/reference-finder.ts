import type { RoutingTable } from "../table/schema.ts";
import { comparePrecedence, conditionsHold, hostBuckets, type MatchFacts, pathMatches, QueryReader } from "./rule-conditions.ts";
import { NO_RULE, numberRules, type RouteFinder } from "./route-finder.ts";

const PLAIN: MatchFacts = { scheme: "http" };

/**
 * The obviously correct finder: scans every rule and applies the Ingress and Gateway API rules as written. Used
 * to check the fast finders and as the readable statement of the semantics; too slow for the edge.
 */
export function createReferenceFinder(table: RoutingTable): RouteFinder {
  const numbered = numberRules(table).map((entry, number) => ({ ...entry, number }));
  const deep = table.hosts.some((entry) => entry.host.startsWith("**."));
  return {
    find(host, path, facts = PLAIN) {
      const query = new QueryReader(facts.query ?? "");
      for (const bucket of hostBuckets(host, deep)) {
        let best: (typeof numbered)[number] | null = null;
        for (const entry of numbered) {
          if (entry.host !== bucket || !pathMatches(entry.rule, path)) continue;
          if (entry.rule.match !== undefined && !conditionsHold(entry.rule.match, facts, query)) continue;
          if (best === null || comparePrecedence(entry.rule, entry.number, best.rule, best.number) < 0) best = entry;
        }
        if (best !== null) return best.number;
      }
      return NO_RULE;
    },
  };
}
