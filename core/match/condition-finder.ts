import type { RoutingTable, Rule } from "../table/schema.ts";
import { compileRuleRegex } from "./regex-host.ts";
import type { RegexPath } from "./regex-path.ts";
import { comparePrecedence, conditionsHold, hostBuckets, type MatchFacts, QueryReader } from "./rule-conditions.ts";
import { NO_RULE, numberRules, type RouteFinder } from "./route-finder.ts";

interface Candidate {
  readonly number: number;
  readonly rule: Rule;
  readonly exact: boolean;
  /** Exact: the path; Prefix: without trailing slashes ("" for `/`). */
  readonly path: string;
  /** A RegularExpression rule's compiled pattern (null for other kinds, and for a pattern the engine refuses). */
  readonly regex: RegexPath | null;
}

const PLAIN: MatchFacts = { scheme: "http" };

/**
 * A path finder (packed, trie) made to answer for rules with conditions (Gateway API HTTPRoute matches) and
 * any-depth wildcard hosts too. A table without either gets the path finder itself: Ingress-only tables match
 * exactly as fast as before. Otherwise the path finder serves the rules without conditions, and per host bucket
 * the rules with conditions are scanned in precedence order (most specific first: the first that holds wins);
 * of the two answers in the most precise bucket that has one, the one of higher precedence wins.
 */
export function createConditionFinder(table: RoutingTable, createPathFinder: (table: RoutingTable) => RouteFinder): RouteFinder {
  const conditional = (host: string, rule: Rule): boolean => host.startsWith("**.") || rule.match !== undefined;
  if (!table.hosts.some((entry) => entry.rules.some((rule) => conditional(entry.host, rule)))) return createPathFinder(table);
  const numbered = numberRules(table);

  // The path finder's numbers, mapped back onto the table's.
  const plainNumbers: number[] = [];
  const buckets = new Map<string, Candidate[]>();
  let number = 0;
  const plainHosts = table.hosts.flatMap((entry) => {
    const rules: Rule[] = [];
    for (const rule of entry.rules) {
      if (conditional(entry.host, rule)) {
        const list = buckets.get(entry.host) ?? [];
        const regex = rule.pathType === "RegularExpression" ? compileRuleRegex(rule) : null;
        if (rule.pathType !== "RegularExpression" || regex !== null) {
          list.push({ number, rule, exact: rule.pathType === "Exact", path: rule.pathType === "Exact" ? rule.path : rule.path.replace(/\/+$/, ""), regex });
        }
        buckets.set(entry.host, list);
      } else {
        rules.push(rule);
        plainNumbers.push(number);
      }
      number++;
    }
    return rules.length === 0 ? [] : [{ host: entry.host, rules }];
  });
  for (const list of buckets.values()) list.sort((a, b) => comparePrecedence(a.rule, a.number, b.rule, b.number));
  const pathFinder = createPathFinder({ ...table, hosts: plainHosts });
  const deep = table.hosts.some((entry) => entry.host.startsWith("**."));
  const hostOf = numbered.map((entry) => entry.host);

  return {
    find(host, path, facts = PLAIN) {
      const found = pathFinder.find(host, path);
      const plain = found === NO_RULE ? NO_RULE : plainNumbers[found] ?? NO_RULE;
      const plainHost = plain === NO_RULE ? null : hostOf[plain];
      let query: QueryReader | null = null;
      for (const bucket of hostBuckets(host, deep)) {
        const list = buckets.get(bucket);
        let chosen = NO_RULE;
        if (list !== undefined) {
          query ??= new QueryReader(facts.query ?? "");
          chosen = scan(list, path, facts, query);
        }
        if (bucket === plainHost) {
          const plainRule = numbered[plain]?.rule;
          const chosenRule = numbered[chosen]?.rule;
          if (chosenRule === undefined || plainRule === undefined) return plain;
          return comparePrecedence(chosenRule, chosen, plainRule, plain) < 0 ? chosen : plain;
        }
        if (chosen !== NO_RULE) return chosen;
      }
      return plain;
    },
  };
}

function scan(list: readonly Candidate[], path: string, facts: MatchFacts, query: QueryReader): number {
  for (const candidate of list) {
    const regex = candidate.regex;
    if (!(regex !== null ? regex.test(path) : candidate.exact ? candidate.path === path : prefixMatches(candidate.path, path))) continue;
    if (candidate.rule.match === undefined || conditionsHold(candidate.rule.match, facts, query)) return candidate.number;
  }
  return NO_RULE;
}

function prefixMatches(prefix: string, path: string): boolean {
  return prefix === "" || (path.startsWith(prefix) && (path.length === prefix.length || path.charCodeAt(prefix.length) === 0x2f));
}

