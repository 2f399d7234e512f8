import { sealTable } from "../../../core/table/hash-table.ts";
import type { Backend, HostRoutes, RoutingTable, TableContent, TableNode } from "../../../core/table/schema.ts";
import type { TestBackends } from "../node/backend-contract.ts";

let lastGeneration = 0;

/** Generations only grow, across tests and files, as the agent's publication times do. */
export function nextGeneration(): number {
  lastGeneration = Math.max(Date.now(), lastGeneration + 1);
  return lastGeneration;
}

export function backend(id: string, nodePort: number, overrides: Partial<Backend> = {}): Backend {
  return { id, nodePort, targets: "all-nodes", ...overrides };
}

export function prefix(path: string, backendId: string, ingress = "default/main"): HostRoutes["rules"][number] {
  return { path, pathType: "Prefix", backend: backendId, ingress };
}

export function exact(path: string, backendId: string, ingress = "default/main"): HostRoutes["rules"][number] {
  return { path, pathType: "Exact", backend: backendId, ingress };
}

export async function sealed(content: Partial<TableContent>, generation = nextGeneration()): Promise<RoutingTable> {
  return sealTable({ schema: 1, nodes: [], hosts: [], defaultBackend: null, backends: [], tls: [], problems: [], ...content }, generation);
}

export function loopbackNodes(backends: TestBackends): TableNode[] {
  return backends.nodes.map((node) => ({ name: node.name, address: node.address }));
}

/** The table most tests route by: hosts for each behaviour, every target a real loopback backend. */
export async function standardTable(backends: TestBackends, generation = nextGeneration()): Promise<RoutingTable> {
  const { ports } = backends;
  return sealed(
    {
      nodes: [...loopbackNodes(backends), { name: "node-dead", address: "127.0.0.5" }].sort((a, b) => (a.name < b.name ? -1 : 1)),
      backends: [
        backend("default/web:80", ports.web, { targets: [{ node: "node-a", weight: 1 }, { node: "node-b", weight: 1 }, { node: "node-c", weight: 1 }] }),
        backend("default/api:80", ports.api, { targets: [{ node: "node-a", weight: 1 }, { node: "node-b", weight: 1 }, { node: "node-c", weight: 1 }] }),
        backend("default/sticky:80", ports.web, {
          affinity: { mode: "cookie", name: "EDGE_AFFINITY", path: "/", maxAge: 3600, sameSite: "Lax" },
          targets: [{ node: "node-a", weight: 1 }, { node: "node-b", weight: 1 }, { node: "node-c", weight: 1 }],
        }),
        backend("default/client-ip:80", ports.web, {
          affinity: { mode: "client-ip", timeoutSeconds: 10800 },
          targets: [{ node: "node-a", weight: 1 }, { node: "node-b", weight: 1 }, { node: "node-c", weight: 1 }],
        }),
        backend("default/sticky-flaky:80", ports.web, {
          affinity: { mode: "cookie", name: "EDGE_AFFINITY", path: "/", sameSite: "None" },
          targets: [{ node: "node-dead", weight: 1 }, { node: "node-b", weight: 1 }],
        }),
        backend("default/flaky:80", ports.web, { targets: [{ node: "node-dead", weight: 1 }, { node: "node-b", weight: 1 }] }),
        backend("default/ip-flaky:80", ports.web, {
          affinity: { mode: "client-ip", timeoutSeconds: 10800 },
          targets: [{ node: "node-b", weight: 1 }, { node: "node-c", weight: 1 }, { node: "node-dead", weight: 1 }],
        }),
        backend("default/all-dead:80", ports.dead, { targets: [{ node: "node-a", weight: 1 }, { node: "node-b", weight: 1 }] }),
        backend("default/hang:80", ports.hang, { targets: [{ node: "node-a", weight: 1 }] }),
        backend("default/mixed:80", ports.mixed, { targets: [{ node: "node-a", weight: 1 }, { node: "node-b", weight: 1 }] }),
        backend("default/empty:80", ports.web, { targets: [] }),
        backend("default/drained:80", ports.web, { targets: [{ node: "node-a", weight: 1 }], down: ["node-a"] }),
        backend("default/heavy:80", ports.web, { trafficPolicy: "Local", targets: [{ node: "node-a", weight: 9 }, { node: "node-c", weight: 1 }] }),
      ],
      hosts: [
        { host: "*.wild.example", rules: [prefix("/", "default/api:80")] },
        { host: "all-dead.example", rules: [prefix("/", "default/all-dead:80")] },
        { host: "app.example", rules: [prefix("/", "default/web:80"), prefix("/api", "default/api:80"), exact("/exact", "default/api:80"), prefix("/public", "default/web:80"), prefix("/admin", "default/api:80")] },
        { host: "drained.example", rules: [prefix("/", "default/drained:80")] },
        { host: "empty.example", rules: [prefix("/", "default/empty:80")] },
        { host: "flaky.example", rules: [prefix("/", "default/flaky:80")] },
        { host: "hang.example", rules: [prefix("/", "default/hang:80")] },
        { host: "heavy.example", rules: [prefix("/", "default/heavy:80")] },
        { host: "ip-flaky.example", rules: [prefix("/", "default/ip-flaky:80")] },
        { host: "ip.example", rules: [prefix("/", "default/client-ip:80")] },
        { host: "mixed.example", rules: [prefix("/", "default/mixed:80")] },
        { host: "noredirect.example", rules: [prefix("/", "default/web:80")] },
        { host: "secure.example", rules: [prefix("/", "default/web:80")] },
        { host: "sticky-flaky.example", rules: [prefix("/", "default/sticky-flaky:80")] },
        { host: "sticky.example", rules: [prefix("/", "default/sticky:80")] },
      ],
      tls: [
        { host: "noredirect.example", redirect: false },
        { host: "secure.example", redirect: true },
      ],
    },
    generation,
  );
}
