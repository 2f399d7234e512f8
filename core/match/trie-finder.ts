import type { RoutingTable, Rule } from "../table/schema.ts";
import { parentDomain, splitPrefixPath } from "./prefix-path.ts";
import type { RouteFinder, RuleHit } from "./route-finder.ts";

interface PrefixNode {
  rule: Rule | null;
  children: Map<string, PrefixNode> | null;
}

interface HostIndex {
  readonly host: string;
  readonly exact: Map<string, Rule>;
  readonly prefix: PrefixNode;
}

/**
 * The edge's finder. Hosts are hash lookups, Exact paths one hash lookup, Prefix paths a walk down a trie of
 * path segments: the cost depends on the path's depth, not on how many hosts or rules the table holds.
 */
export function createTrieFinder(table: RoutingTable): RouteFinder {
  const precise = new Map<string, HostIndex>();
  const wildcard = new Map<string, HostIndex>();
  let anyHost: HostIndex | null = null;
  for (const entry of table.hosts) {
    const index = indexRules(entry.host, entry.rules);
    if (entry.host === "") anyHost = index;
    else if (entry.host.startsWith("*.")) wildcard.set(entry.host.slice(2), index);
    else precise.set(entry.host, index);
  }
  return {
    find(host, path) {
      const exactHost = precise.get(host);
      if (exactHost !== undefined) {
        const hit = findInHost(exactHost, path);
        if (hit !== null) return hit;
      }
      const parent = parentDomain(host);
      const wildHost = parent === null ? undefined : wildcard.get(parent);
      if (wildHost !== undefined) {
        const hit = findInHost(wildHost, path);
        if (hit !== null) return hit;
      }
      return anyHost === null ? null : findInHost(anyHost, path);
    },
  };
}

function indexRules(host: string, rules: readonly Rule[]): HostIndex {
  const exact = new Map<string, Rule>();
  const prefix: PrefixNode = { rule: null, children: null };
  for (const rule of rules) {
    if (rule.pathType === "Exact") {
      if (!exact.has(rule.path)) exact.set(rule.path, rule);
      continue;
    }
    let node = prefix;
    for (const segment of splitPrefixPath(rule.path)) {
      node.children ??= new Map();
      let child = node.children.get(segment);
      if (child === undefined) {
        child = { rule: null, children: null };
        node.children.set(segment, child);
      }
      node = child;
    }
    // `/foo` and `/foo/` end on the same node; the longer as written wins (Ingress API, PathTypePrefix).
    if (node.rule === null || rule.path.length > node.rule.path.length) node.rule = rule;
  }
  return { host, exact, prefix };
}

function findInHost(index: HostIndex, path: string): RuleHit | null {
  const exact = index.exact.get(path);
  if (exact !== undefined) return { host: index.host, rule: exact };
  let node = index.prefix;
  let best = node.rule;
  let start = 1;
  while (node.children !== null) {
    const slash = path.indexOf("/", start);
    const child = node.children.get(slash < 0 ? path.slice(start) : path.slice(start, slash));
    if (child === undefined) break;
    node = child;
    if (node.rule !== null) best = node.rule;
    if (slash < 0) break;
    start = slash + 1;
  }
  return best === null ? null : { host: index.host, rule: best };
}
