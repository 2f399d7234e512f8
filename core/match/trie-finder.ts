import type { RoutingTable, Rule } from "../table/schema.ts";
import { parentDomain } from "./prefix-path.ts";
import type { RouteFinder, RuleHit } from "./route-finder.ts";

/**
 * One node per path element. `prefix` is the Prefix rule ending here (trailing `/` ignored); `exact` the Exact
 * rule whose path, split at every `/`, ends exactly here.
 */
interface PathNode {
  /** Hits are built once per table, so that a match allocates nothing for its answer. */
  prefix: RuleHit | null;
  exact: RuleHit | null;
  children: Map<string, PathNode> | null;
}

/**
 * The edge's finder. Hosts are hash lookups; within a host one walk down a trie of path elements serves both
 * Exact and Prefix rules. The cost depends on the path's depth, not on how many hosts or rules the table holds,
 * and each host costs one small trie, which keeps large tables compact in memory.
 */
export function createTrieFinder(table: RoutingTable): RouteFinder {
  const precise = new Map<string, PathNode>();
  const wildcard = new Map<string, PathNode>();
  let anyHost: PathNode | null = null;
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
      if (wildcard.size > 0) {
        const parent = parentDomain(host);
        const wildHost = parent === null ? undefined : wildcard.get(parent);
        if (wildHost !== undefined) {
          const hit = findInHost(wildHost, path);
          if (hit !== null) return hit;
        }
      }
      return anyHost === null ? null : findInHost(anyHost, path);
    },
  };
}

function indexRules(host: string, rules: readonly Rule[]): PathNode {
  const root: PathNode = { prefix: null, exact: null, children: null };
  for (const rule of rules) {
    if (rule.pathType === "Exact") {
      const node = descend(root, rule.path.slice(1).split("/"));
      node.exact ??= { host, rule };
      continue;
    }
    const trimmed = rule.path.replace(/\/+$/, "");
    const node = trimmed === "" ? root : descend(root, trimmed.slice(1).split("/"));
    // `/foo` and `/foo/` end on the same node; the longer as written wins (Ingress API, PathTypePrefix).
    if (node.prefix === null || rule.path.length > node.prefix.rule.path.length) node.prefix = { host, rule };
  }
  return root;
}

function descend(root: PathNode, segments: readonly string[]): PathNode {
  let node = root;
  for (const segment of segments) {
    node.children ??= new Map();
    let child = node.children.get(segment);
    if (child === undefined) {
      child = { prefix: null, exact: null, children: null };
      node.children.set(segment, child);
    }
    node = child;
  }
  return node;
}

function findInHost(root: PathNode, path: string): RuleHit | null {
  let node = root;
  let best = node.prefix;
  let start = 1;
  for (;;) {
    const slash = path.indexOf("/", start);
    const child = node.children === null ? undefined : node.children.get(slash < 0 ? path.slice(start) : path.slice(start, slash));
    if (child === undefined) break;
    node = child;
    if (slash < 0) {
      // The whole path was consumed: an Exact rule here beats every Prefix.
      if (node.exact !== null) return node.exact;
      if (node.prefix !== null) best = node.prefix;
      break;
    }
    if (node.prefix !== null) best = node.prefix;
    start = slash + 1;
  }
  return best;
}
