import type { Rule } from "../table/schema.ts";
import { buildPathTrie, findInPathTrie } from "./path-trie.ts";
import { compileRegexPath, type RegexPath } from "./regex-path.ts";
import { NO_RULE } from "./route-finder.ts";

/**
 * The order RegularExpression rules of one host are tried in, first match winning: longer patterns first, then
 * by pattern, descending — ingress-nginx's location order (it sorts by path descending, then stably by length
 * descending) — then table order.
 */
export function compareRegexRules(a: { readonly rule: Rule; readonly index: number }, b: { readonly rule: Rule; readonly index: number }): number {
  const pa = a.rule.path;
  const pb = b.rule.path;
  if (pa.length !== pb.length) return pb.length - pa.length;
  if (pa !== pb) return pa < pb ? 1 : -1;
  return a.index - b.index;
}

/** Compiles a RegularExpression rule's pattern as the table states it; null when the engine refuses it. */
export function compileRuleRegex(rule: Rule): RegexPath | null {
  const compiled = compileRegexPath(rule.path, { ignoreCase: rule.ignoreCase === true });
  return compiled.ok ? compiled.regex : null;
}

interface Candidate {
  readonly regex: RegexPath;
  readonly number: number;
}

/**
 * One host's matcher when it has RegularExpression rules, numbered from `first`: an Exact rule equal to the path,
 * else the first matching RegularExpression rule in {@link compareRegexRules} order, else the longest matching
 * Prefix — nginx's own order (`=`, then regex locations in order, then the longest prefix). Null when the host has
 * no RegularExpression rule. Patterns are indexed by the literal text they start with, so a request runs only
 * those it can match: a host of 1,000 patterns costs a few map lookups and one or two runs of the engine. (A path
 * with characters beyond ASCII — never one parsed from a URL, which escapes them — is run against every pattern.)
 */
export function buildRegexHost(rules: readonly Rule[], first: number): ((path: string) => number) | null {
  const ranked: { rule: Rule; index: number }[] = [];
  const exact = new Map<string, number>();
  rules.forEach((rule, index) => {
    if (rule.pathType === "RegularExpression") ranked.push({ rule, index });
    else if (rule.pathType === "Exact" && !exact.has(rule.path)) exact.set(rule.path, first + index);
  });
  if (ranked.length === 0) return null;
  ranked.sort(compareRegexRules);
  const candidates: Candidate[] = [];
  // literal prefix → ranks, for patterns matched with case and without.
  const withCase = new Map<string, number[]>();
  const withoutCase = new Map<string, number[]>();
  const lengths = new Set<number>();
  for (const { rule, index } of ranked) {
    const regex = compileRuleRegex(rule);
    if (regex === null) continue;
    const rank = candidates.length;
    candidates.push({ regex, number: first + index });
    const bucket = rule.ignoreCase === true ? withoutCase : withCase;
    const list = bucket.get(regex.literalPrefix);
    if (list === undefined) bucket.set(regex.literalPrefix, [rank]);
    else list.push(rank);
    lengths.add(regex.literalPrefix.length);
  }
  const sortedLengths = [...lengths].sort((a, b) => a - b);
  const hasPrefixRules = rules.some((rule) => rule.pathType === "Prefix" || rule.pathType === "ImplementationSpecific");
  const trie = hasPrefixRules ? buildPathTrie(rules, first) : null;
  const found: number[] = [];

  return (path) => {
    if (exact.size > 0) {
      const hit = exact.get(path);
      if (hit !== undefined) return hit;
    }
    found.length = 0;
    const lower = lowerAscii(path);
    if (lower === null) {
      for (const candidate of candidates) if (candidate.regex.test(path)) return candidate.number;
      return trie === null ? NO_RULE : findInPathTrie(trie, path, false);
    }
    for (const length of sortedLengths) {
      if (length > path.length) break;
      if (withCase.size > 0) {
        const ranks = withCase.get(length === path.length ? path : path.slice(0, length));
        if (ranks !== undefined) for (const rank of ranks) found.push(rank);
      }
      if (withoutCase.size > 0) {
        const ranks = withoutCase.get(length === lower.length ? lower : lower.slice(0, length));
        if (ranks !== undefined) for (const rank of ranks) found.push(rank);
      }
    }
    if (found.length > 1) found.sort((a, b) => a - b);
    for (const rank of found) {
      const candidate = candidates[rank];
      if (candidate !== undefined && candidate.regex.test(path)) return candidate.number;
    }
    // Exact rules were looked up already: the trie is asked for its Prefix answer only.
    return trie === null ? NO_RULE : findInPathTrie(trie, path, false);
  };
}

/** The path with ASCII letters lower-cased (lengths and positions unchanged); null when it is not all ASCII. */
function lowerAscii(text: string): string | null {
  let upper = false;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code > 0x7f) return null;
    if (code >= 0x41 && code <= 0x5a) upper = true;
  }
  return upper ? text.toLowerCase() : text;
}
