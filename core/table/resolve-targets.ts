import { type Backend, downOf, type RoutingTable, type TableNode } from "./schema.ts";

/** One place a backend's traffic may go: a Node's address (or DNS name) × the backend's nodePort. */
export interface ResolvedTarget {
  readonly node: string;
  readonly address: string;
  readonly hostname?: string;
  readonly nodePort: number;
  /** The backend's: absent = plain HTTP. */
  readonly protocol?: "https";
  readonly weight: number;
}

export type NodeLookup = RoutingTable | ReadonlyMap<string, TableNode>;

/**
 * The targets a backend may use right now: every Node for "all-nodes" (weight 1) or the weighted list, minus the
 * Nodes the agent marked down. Table order is kept (the table is canonical), so the result is deterministic. A
 * node name missing from the node list is skipped: a validated table has none.
 */
export function resolveTargets(nodes: NodeLookup, backend: Backend): ResolvedTarget[] {
  const byName = isTable(nodes) ? indexNodes(nodes.nodes) : nodes;
  const down = new Set(downOf(backend));
  const wanted: ReadonlyArray<{ readonly node: string; readonly weight: number }> =
    backend.targets === "all-nodes" ? [...byName.keys()].map((node) => ({ node, weight: 1 })) : backend.targets;
  const targets: ResolvedTarget[] = [];
  for (const { node, weight } of wanted) {
    if (down.has(node)) continue;
    const entry = byName.get(node);
    if (entry === undefined) continue;
    targets.push({
      node,
      address: entry.address,
      ...(entry.hostname === undefined ? {} : { hostname: entry.hostname }),
      nodePort: backend.nodePort,
      ...(backend.protocol === undefined ? {} : { protocol: backend.protocol }),
      weight,
    });
  }
  return targets;
}

/** Node name → node, for callers that resolve many backends of one table. */
export function indexNodes(nodes: readonly TableNode[]): ReadonlyMap<string, TableNode> {
  return new Map(nodes.map((node) => [node.name, node]));
}

function isTable(value: NodeLookup): value is RoutingTable {
  return !(value instanceof Map);
}
