import type { Rule } from "../table/schema.ts";

/**
 * One node per path element. `prefix` is the number of the Prefix rule ending here (trailing `/` ignored);
 * `exact` of the Exact rule whose path, split at every `/`, ends exactly here; -1 for none.
 */
export interface PathNode {
  prefix: number;
  /** The path of the `prefix` rule as written: of `/foo` and `/foo/` (same node), the longer wins. */
  prefixPath: string;
  exact: number;
  children: Map<string, PathNode> | null;
}

/**
 * A trie of path elements over one host's rules, numbered from `first`. One walk down serves both Exact and
 * Prefix rules, so the cost depends on the request path's depth, not on how many rules the host has.
 */
export function buildPathTrie(rules: readonly Rule[], first: number): PathNode {
  const root = createNode();
  rules.forEach((rule, i) => {
    // RegularExpression rules are matched by the engine (regex-host.ts), never element by element.
    if (rule.pathType === "RegularExpression") return;
    if (rule.pathType === "Exact") {
      const node = descend(root, rule.path.slice(1).split("/"));
      if (node.exact < 0) node.exact = first + i;
      return;
    }
    const trimmed = rule.path.replace(/\/+$/, "");
    const node = trimmed === "" ? root : descend(root, trimmed.slice(1).split("/"));
    // `/foo` and `/foo/` end on the same node; the longer as written wins (Ingress API, PathTypePrefix).
    if (node.prefix < 0 || rule.path.length > node.prefixPath.length) {
      node.prefix = first + i;
      node.prefixPath = rule.path;
    }
  });
  return root;
}

/** The number of the rule that wins `path` in this trie, or -1; `exact: false` asks for the longest Prefix only. */
export function findInPathTrie(root: PathNode, path: string, exact = true): number {
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
      if (exact && node.exact >= 0) return node.exact;
      if (node.prefix >= 0) best = node.prefix;
      break;
    }
    if (node.prefix >= 0) best = node.prefix;
    start = slash + 1;
  }
  return best;
}

function createNode(): PathNode {
  return { prefix: -1, prefixPath: "", exact: -1, children: null };
}

function descend(root: PathNode, segments: readonly string[]): PathNode {
  let node = root;
  for (const segment of segments) {
    node.children ??= new Map();
    let child = node.children.get(segment);
    if (child === undefined) {
      child = createNode();
      node.children.set(segment, child);
    }
    node = child;
  }
  return node;
}
