import type { RoutingTable } from "../table/schema.ts";
import { buildPathTrie, findInPathTrie, type PathNode } from "./path-trie.ts";
import { parentDomain } from "./prefix-path.ts";
import { buildRegexHost } from "./regex-host.ts";
import { NO_RULE, type RouteFinder } from "./route-finder.ts";

/**
 * Hosts are hash lookups; within a host one walk down a trie of path elements. Simple and independent of the
 * table's size in operations, but each host is a graph of Maps: at 100k rules the walk misses the CPU caches
 * at almost every step, which is why the edge uses the packed finder.
 */
export function createTrieFinder(table: RoutingTable): RouteFinder {
  const precise = new Map<string, HostMatcher>();
  const wildcard = new Map<string, HostMatcher>();
  let anyHost: HostMatcher | null = null;
  let first = 0;
  for (const entry of table.hosts) {
    const trie = buildRegexHost(entry.rules, first) ?? buildPathTrie(entry.rules, first);
    first += entry.rules.length;
    if (entry.host === "") anyHost = trie;
    else if (entry.host.startsWith("*.")) wildcard.set(entry.host.slice(2), trie);
    else precise.set(entry.host, trie);
  }
  return {
    find(host, path) {
      const exactHost = precise.get(host);
      if (exactHost !== undefined) {
        const hit = findInHost(exactHost, path);
        if (hit !== NO_RULE) return hit;
      }
      if (wildcard.size > 0) {
        const parent = parentDomain(host);
        const wildHost = parent === null ? undefined : wildcard.get(parent);
        if (wildHost !== undefined) {
          const hit = findInHost(wildHost, path);
          if (hit !== NO_RULE) return hit;
        }
      }
      return anyHost === null ? NO_RULE : findInHost(anyHost, path);
    },
  };
}

/** A host's path trie, or its matcher when it has RegularExpression rules. */
type HostMatcher = PathNode | ((path: string) => number);

function findInHost(host: HostMatcher, path: string): number {
  return typeof host === "function" ? host(path) : findInPathTrie(host, path);
}
