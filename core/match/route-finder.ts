import type { Rule } from "../table/schema.ts";

/** What a finder reports: the rule that matched, from which host bucket (`""` = host-less rules). */
export interface RuleHit {
  readonly host: string;
  readonly rule: Rule;
}

/**
 * The one small interface behind route matching. Given a normalised host and path, return the winning rule:
 * precise host before wildcard before host-less rules; within a bucket a matching Exact path, else the longest
 * matching Prefix (ImplementationSpecific is treated as Prefix). Implementations differ only in speed.
 */
export interface RouteFinder {
  find(host: string, path: string): RuleHit | null;
}
