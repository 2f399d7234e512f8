import type { RoutingTable } from "../table/schema.ts";
import { buildPathTrie, findInPathTrie, type PathNode } from "./path-trie.ts";
import { parentDomain } from "./prefix-path.ts";
import { NO_RULE, type RouteFinder } from "./route-finder.ts";

/**
 * Hosts are hash lookups; within a host one walk down a trie of path elements. Simple and independent of the
 * table's size in operations, but each host is a graph of Maps: at 100k rules the walk misses the CPU caches
 * at almost every step, which is why the edge uses the packed finder.
 */
export function createTrieFinder(table: RoutingTable): RouteFinder {
  const precise = new Map<string, PathNode>();
  const wildcard = new Map<string, PathNode>();
  let anyHost: PathNode | null = null;
  let first = 0;
  for (const entry of table.hosts) {
    const trie = buildPathTrie(entry.rules, first);
    first += entry.rules.length;
    if (entry.host === "") anyHost = trie;
    else if (entry.host.startsWith("*.")) wildcard.set(entry.host.slice(2), trie);
    else precise.set(entry.host, trie);
  }
  return {
    find(host, path) {
      const exactHost = precise.get(host);
      if (exactHost !== undefined) {
        const hit = findInPathTrie(exactHost, path);
        if (hit !== NO_RULE) return hit;
      }
      if (wildcard.size > 0) {
        const parent = parentDomain(host);
        const wildHost = parent === null ? undefined : wildcard.get(parent);
        if (wildHost !== undefined) {
          const hit = findInPathTrie(wildHost, path);
          if (hit !== NO_RULE) return hit;
        }
      }
      return anyHost === null ? NO_RULE : findInPathTrie(anyHost, path);
    },
  };
}
