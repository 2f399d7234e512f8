import type { Backend, PathType, RoutingTable, TlsHost } from "../../core/table/schema.ts";
import { TABLE_SCHEMA } from "../../core/table/schema.ts";

/** A rule's path and type; a RegularExpression rule may add `true` to be matched without case. */
export type RuleSpec = readonly [path: string, pathType: PathType] | readonly [path: string, pathType: "RegularExpression", ignoreCase: boolean];

/**
 * A routing table straight from host → rules, each rule with a backend of its own. Version is a fixed dummy: these tables are for matching, not for publishing.
 */
export function buildTable(
  hosts: Record<string, readonly RuleSpec[]>,
  options: { tls?: TlsHost[]; defaultBackend?: boolean } = {},
): RoutingTable {
  const backends: Backend[] = [];
  const backendFor = (): string => {
    const id = `default/svc-${backends.length}:80`;
    backends.push({
      id,
      nodePort: 30000 + backends.length,
      targets: "all-nodes",
    });
    return id;
  };
  const hostRoutes = Object.entries(hosts).map(([host, rules]) => ({
    host,
    rules: rules.map(([path, pathType, ignoreCase]) => ({ path, pathType, ...(ignoreCase === true ? { ignoreCase } : {}), backend: backendFor(), ingress: "default/ing" })),
  }));
  const defaultBackend = options.defaultBackend === true ? { backend: backendFor(), ingress: "default/fallback" } : null;
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
