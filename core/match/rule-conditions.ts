import type { HeaderCondition, Rule, RuleMatch } from "../table/schema.ts";
import { compileRegexPath, type RegexPath } from "./regex-path.ts";
import { splitPrefixPath } from "./prefix-path.ts";
import { compareRegexRules } from "./regex-host.ts";

/** What a rule's conditions read of a request, beyond host and path. A RouteRequest is one. */
export interface MatchFacts {
  readonly scheme: "http" | "https";
  /** Absent: GET. */
  readonly method?: string;
  /** A request header by lower-case name; null when absent. Absent: no headers. */
  readonly header?: (name: string) => string | null;
  /** The query with its `?`, or "". */
  readonly query?: string;
}

/** A request's query parameters, parsed once per match and only when a rule asks for one. */
export class QueryReader {
  #params: URLSearchParams | null = null;
  constructor(private readonly query: string) {}

  /** The first value of `name` (Gateway API leaves repeated names to the implementation: the first counts). */
  get(name: string): string | null {
    this.#params ??= new URLSearchParams(this.query);
    return this.#params.get(name);
  }
}

/** A header pattern as the whole value must match it (RE2, `^(?:pattern)$`); null when the engine refuses it. */
export function compileHeaderPattern(pattern: string): RegexPath | null {
  const compiled = compileRegexPath(`(?:${pattern})$`, { ignoreCase: false });
  return compiled.ok ? compiled.regex : null;
}

/** Compiled once per condition object: a table's conditions live as long as the table does. */
const patterns = new WeakMap<HeaderCondition, RegexPath | null>();

function patternOf(condition: HeaderCondition): RegexPath | null {
  let compiled = patterns.get(condition);
  if (compiled === undefined) {
    compiled = compileHeaderPattern(condition.value);
    patterns.set(condition, compiled);
  }
  return compiled;
}

/** True when every condition of `match` holds for the request. */
export function conditionsHold(match: RuleMatch, facts: MatchFacts, query: QueryReader): boolean {
  if (match.scheme !== undefined && match.scheme !== facts.scheme) return false;
  if (match.method !== undefined && match.method !== (facts.method ?? "GET")) return false;
  if (match.headers !== undefined) {
    const header = facts.header;
    for (const condition of match.headers) {
      const value = header === undefined ? null : header(condition.name);
      if (condition.regex === true ? value === null || patternOf(condition)?.test(value) !== true : value !== condition.value) return false;
    }
  }
  if (match.query !== undefined) {
    for (const { name, value } of match.query) if (query.get(name) !== value) return false;
  }
  return true;
}

/**
 * True when an Exact or Prefix rule's path matches the normalised request path (Prefix: element-wise, trailing `/`
 * ignored). RegularExpression rules are run by their compiled pattern (regex-host.ts), not here.
 */
export function pathMatches(rule: Rule, path: string): boolean {
  if (rule.pathType === "Exact") return rule.path === path;
  const want = splitPrefixPath(rule.path);
  const have = path.slice(1).split("/");
  return want.every((segment, i) => have[i] === segment);
}

/**
 * Which of two rules of one host bucket, both matching a request, wins — negative when `a` does. Gateway API's
 * order (apis/v1/httproute_types.go), which for rules without conditions is the Ingress order: an Exact path;
 * a RegularExpression (whose place Gateway API leaves to implementations: here nginx's, after Exact and before
 * every prefix, longer patterns first, conditions not counted); the longer Prefix (in path elements, then in
 * characters as written, so `/foo/` beats `/foo`); a method; more headers; more query parameters; then table
 * order (the compiler writes an Ingress's rule before a route's of the same path, and routes oldest first, then
 * by namespace/name, then rule and match order).
 */
export function comparePrecedence(a: Rule, aNumber: number, b: Rule, bNumber: number): number {
  const rank = kindRank(a) - kindRank(b);
  if (rank !== 0) return rank;
  if (a.pathType === "RegularExpression") return compareRegexRules({ rule: a, index: aNumber }, { rule: b, index: bNumber });
  if (a.pathType !== "Exact") {
    const depth = splitPrefixPath(b.path).length - splitPrefixPath(a.path).length;
    if (depth !== 0) return depth;
    if (a.path.length !== b.path.length) return b.path.length - a.path.length;
  }
  const method = Number(b.match?.method !== undefined) - Number(a.match?.method !== undefined);
  if (method !== 0) return method;
  const headers = (b.match?.headers?.length ?? 0) - (a.match?.headers?.length ?? 0);
  if (headers !== 0) return headers;
  const query = (b.match?.query?.length ?? 0) - (a.match?.query?.length ?? 0);
  if (query !== 0) return query;
  return aNumber - bNumber;
}

function kindRank(rule: Rule): number {
  return rule.pathType === "Exact" ? 0 : rule.pathType === "RegularExpression" ? 1 : 2;
}

/**
 * The host buckets a request host can match, most precise first: the host itself; `*.parent` (one label, as an
 * Ingress wildcard); then `**.suffix` (any depth, as a Gateway API wildcard) from the longest suffix; `""` last.
 */
export function hostBuckets(host: string, deep: boolean): string[] {
  const buckets = [host];
  let dot = host.indexOf(".");
  if (dot >= 0) buckets.push(`*.${host.slice(dot + 1)}`);
  if (deep) {
    for (; dot >= 0; dot = host.indexOf(".", dot + 1)) buckets.push(`**.${host.slice(dot + 1)}`);
  }
  buckets.push("");
  return buckets;
}
