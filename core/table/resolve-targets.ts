import { type Backend, downOf, type TableNode } from "./schema.ts";

export interface Target {
  readonly node: string;
  readonly address: string;
  readonly hostname?: string;
  readonly nodePort: number;
  readonly weight: number;
}

/** The targets a backend may use now: its target set, less the Nodes whose checks failed. */
export function resolveTargets(byName: ReadonlyMap<string, TableNode>, backend: Backend): Target[] {
  const down = new Set(downOf(backend));
  const chosen = backend.targets === "all-nodes"
    ? [...byName.values()].map((node) => ({ node: node.name, weight: 1 }))
    : backend.targets;
  const targets: Target[] = [];
  for (const { node: name, weight } of chosen) {
    const node = byName.get(name);
    if (node === undefined || down.has(name)) continue;
    targets.push({
      node: name,
      address: node.address,
      ...(node.hostname === undefined ? {} : { hostname: node.hostname }),
      nodePort: backend.nodePort,
      weight,
    });
  }
  return targets;
}

export function indexNodes(nodes: readonly TableNode[]): ReadonlyMap<string, TableNode> {
  return new Map(nodes.map((node) => [node.name, node]));
}
