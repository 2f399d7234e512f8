import type { RoutingTable, Rule } from "../table/schema.ts";
import type { MatchFacts } from "./rule-conditions.ts";

/** A finder's answer when no rule matches. */
export const NO_RULE = -1;

/**
 * The one small interface behind route matching. Given a normalised host and path, return the winning rule as
 * its number in table order (see `numberRules`), or `NO_RULE`: precise host before wildcard before host-less
 * rules; within a bucket a matching Exact path, else the first matching RegularExpression pattern (longer
 * patterns first: see regex-host.ts), else the longest matching Prefix (ImplementationSpecific is treated as
 * Prefix). Implementations differ only in speed. A number rather than an object keeps a match free of
 * allocation and lets the caller keep whatever it needs per rule (backend, ingress) in one flat array.
 *
 * Rules with conditions (Gateway API HTTPRoute matches: `Rule.match`) and any-depth wildcard hosts (`**.`) are
 * read from `facts`; the path finders (packed, trie) leave them to `createConditionFinder`, which wraps them.
 */
export interface RouteFinder {
  find(host: string, path: string, facts?: MatchFacts): number;
}

export interface NumberedRule {
  /** The host bucket as the table writes it: `a.com`, `*.a.com`, `**.a.com`, or `""` for host-less rules. */
  readonly host: string;
  readonly rule: Rule;
}

/** Every rule of the table in finder numbering: hosts in table order, then rules in host order. */
export function numberRules(table: RoutingTable): NumberedRule[] {
  return table.hosts.flatMap((entry) => entry.rules.map((rule) => ({ host: entry.host, rule })));
}
