import type { RoutingTable, Rule } from "../table/schema.ts";
import { parentDomain, splitPrefixPath } from "./prefix-path.ts";
import { compareRegexRules, compileRuleRegex } from "./regex-host.ts";
import { NO_RULE, numberRules, type RouteFinder } from "./route-finder.ts";

/**
 * The obviously correct finder: scans every rule and applies the Ingress rules as written. Used to check the
 * fast finder and as the readable statement of the semantics; too slow for the edge.
 */
export function createReferenceFinder(table: RoutingTable): RouteFinder {
  const numbered = numberRules(table);
  return {
    find(host, path) {
      const buckets = [
        table.hosts.find((entry) => entry.host === host && !entry.host.startsWith("*.")),
        table.hosts.find((entry) => entry.host.startsWith("*.") && entry.host.slice(2) === parentDomain(host)),
        table.hosts.find((entry) => entry.host === ""),
      ];
      for (const bucket of buckets) {
        if (bucket === undefined) continue;
        const rule = pickRule(bucket.rules, path);
        if (rule !== null) return numbered.findIndex((entry) => entry.rule === rule);
      }
      return NO_RULE;
    },
  };
}

function pickRule(rules: readonly Rule[], path: string): Rule | null {
  const exact = rules.find((rule) => rule.pathType === "Exact" && rule.path === path);
  if (exact !== undefined) return exact;
  // Then the first pattern that matches, in nginx's order of regex locations.
  const patterns = rules.map((rule, index) => ({ rule, index })).filter(({ rule }) => rule.pathType === "RegularExpression").sort(compareRegexRules);
  const matched = patterns.find(({ rule }) => compileRuleRegex(rule)?.test(path) === true);
  if (matched !== undefined) return matched.rule;
  // Longest first: in path elements, then in characters as written (so Prefix /foo/ beats /foo). For valid
  // Prefix paths the two agree; elements first keeps odd ImplementationSpecific paths like `//` sensible.
  let best: Rule | null = null;
  for (const rule of rules) {
    if (rule.pathType === "Exact" || rule.pathType === "RegularExpression" || !prefixMatches(rule.path, path)) continue;
    if (best === null || longer(rule.path, best.path)) best = rule;
  }
  return best;
}

function prefixMatches(rulePath: string, requestPath: string): boolean {
  const want = splitPrefixPath(rulePath);
  const have = requestPath.slice(1).split("/");
  return want.every((segment, i) => have[i] === segment);
}

function longer(a: string, b: string): boolean {
  const depthA = splitPrefixPath(a).length;
  const depthB = splitPrefixPath(b).length;
  return depthA !== depthB ? depthA > depthB : a.length > b.length;
}
