import { describe, expect, it } from "vitest";
import { indexNodes, resolveTargets } from "../../../core/table/resolve-targets.ts";
import type { Backend, TableNode } from "../../../core/table/schema.ts";

const nodes: TableNode[] = [
  { name: "a", address: "192.0.2.1", hostname: "a.nodes.example.com" },
  { name: "b", address: "192.0.2.2" },
  { name: "c", address: "192.0.2.3" },
];

function backend(targets: Backend["targets"], down: string[] = []): Backend {
  return { id: "ns/web:80", nodePort: 30080, ...(targets === "all-nodes" ? {} : { trafficPolicy: "Local" as const }), targets, down };
}

describe("resolveTargets", () => {
  it("expands all-nodes into every node with weight 1 at the backend's nodePort", () => {
    expect(resolveTargets(indexNodes(nodes), backend("all-nodes"))).toEqual([
      { node: "a", address: "192.0.2.1", hostname: "a.nodes.example.com", nodePort: 30080, weight: 1 },
      { node: "b", address: "192.0.2.2", nodePort: 30080, weight: 1 },
      { node: "c", address: "192.0.2.3", nodePort: 30080, weight: 1 },
    ]);
  });

  it("keeps the weights of a listed target set", () => {
    const targets = resolveTargets(indexNodes(nodes), backend([{ node: "c", weight: 3 }, { node: "a", weight: 1 }]));
    expect(targets.map((t) => [t.node, t.weight])).toEqual([["c", 3], ["a", 1]]);
  });

  it("leaves out the nodes the agent marked down", () => {
    expect(resolveTargets(indexNodes(nodes), backend("all-nodes", ["b"])).map((t) => t.node)).toEqual(["a", "c"]);
  });

  it("accepts a whole table as well as a node index", () => {
    const table = { nodes } as unknown as Parameters<typeof resolveTargets>[0];
    expect(resolveTargets(table, backend("all-nodes")).map((t) => t.node)).toEqual(["a", "b", "c"]);
  });
});
