import type { Backend, PathType, RoutingTable, TlsHost } from "../../core/table/schema.ts";
import { TABLE_SCHEMA } from "../../core/table/schema.ts";

export type RuleSpec = readonly [path: string, pathType: PathType];

/**
 * A routing table straight from host → rules, each rule with a backend of its own (named after the rule), so a
 * test can see which rule won. Version is a fixed dummy: these tables are for matching, not for publishing.
 */
export function buildTable(
  hosts: Record<string, readonly RuleSpec[]>,
  options: { tls?: TlsHost[]; defaultBackend?: boolean } = {},
): RoutingTable {
  const backends: Backend[] = [];
  const backendFor = (id: string): string => {
    backends.push({
      id,
      service: "default/svc",
      port: 80,
      nodePort: 30000 + backends.length,
      trafficPolicy: "Cluster",
      healthCheck: { kind: "tcp" },
      affinity: { mode: "none" },
      targets: "all-nodes",
      down: [],
    });
    return id;
  };
  const hostRoutes = Object.entries(hosts).map(([host, rules]) => ({
    host,
    rules: rules.map(([path, pathType]) => ({ path, pathType, backend: backendFor(`${host}|${path}|${pathType}`), ingress: "default/ing" })),
  }));
  const defaultBackend = options.defaultBackend === true ? { backend: backendFor("default-backend"), ingress: "default/fallback" } : null;
  return {
    schema: TABLE_SCHEMA,
    version: `sha256:${"0".repeat(64)}`,
    generation: 1,
    nodes: [{ name: "node-a", address: "127.0.0.2" }],
    hosts: hostRoutes,
    defaultBackend,
    backends,
    tls: options.tls ?? [],
    problems: [],
  };
}
