import { probedHealthCheck } from "../../core/health/probed-health-check.ts";
import type { RoutingTable } from "../../core/table/schema.ts";

export interface DemoEndpoint {
  readonly node: string;
  readonly address: string;
  readonly port: number;
}

/**
 * Where demo Nodes must listen so that every target of the table answers: each Node's address at every
 * nodePort (and every health-check port the agent will probe, kube-proxy's included: pass the compile's
 * `kubeProxyHealthPort`) the table names. Only loopback addresses: the demo never binds anything else.
 */
export function listDemoEndpoints(table: RoutingTable, kubeProxyHealthPort: number | null): DemoEndpoint[] {
  const ports = new Set<number>();
  for (const backend of table.backends) {
    ports.add(backend.nodePort);
    const check = probedHealthCheck(backend, kubeProxyHealthPort);
    if (check.kind === "http" && check.port !== undefined) ports.add(check.port);
  }
  const endpoints: DemoEndpoint[] = [];
  for (const node of table.nodes) {
    if (!node.address.startsWith("127.")) continue;
    for (const port of [...ports].sort((a, b) => a - b)) endpoints.push({ node: node.name, address: node.address, port });
  }
  return endpoints;
}
