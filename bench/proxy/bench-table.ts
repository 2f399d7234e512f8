import { sealTable, serializeTable } from "../../core/table/hash-table.ts";
import { TABLE_SCHEMA, type TableContent } from "../../core/table/schema.ts";
import { validateTable } from "../../core/table/validate-table.ts";

export interface BenchTableOptions {
  readonly host: string;
  /** A second host, whose Ingress asks for no affinity: what an Ingress gets by default. */
  readonly plainHost: string;
  readonly nodes: readonly { readonly name: string; readonly address: string }[];
  readonly nodePort: number;
  readonly cookieName: string;
}

/**
 * The routing table our worker serves during the proxy benchmark: one host, one Prefix `/` rule, one
 * Cluster-policy backend on every Node with cookie affinity — the same job HAProxy is configured to do — and a
 * second host routed the same way to a backend without affinity, as an Ingress without annotations is.
 * Returns the bytes stored under `routing-table` in KV.
 */
export async function buildBenchTable(options: BenchTableOptions): Promise<string> {
  const backend = "bench/echo:80";
  const plainBackend = "bench/plain:80";
  const content: TableContent = {
    schema: TABLE_SCHEMA,
    nodes: options.nodes.map((node) => ({ name: node.name, address: node.address })),
    hosts: [
      { host: options.host, rules: [{ path: "/", pathType: "Prefix", backend, ingress: "bench/echo" }] },
      { host: options.plainHost, rules: [{ path: "/", pathType: "Prefix", backend: plainBackend, ingress: "bench/plain" }] },
    ],
    defaultBackend: null,
    backends: [
      {
        id: backend,
        nodePort: options.nodePort,
        affinity: { mode: "cookie", name: options.cookieName, path: "/" },
        targets: "all-nodes",
      },
      { id: plainBackend, nodePort: options.nodePort, targets: "all-nodes" },
    ],
    tls: [],
    problems: [],
  };
  const table = await sealTable(content, Date.now());
  const validation = validateTable(table);
  if (!validation.ok) {
    throw new Error(`benchmark table is invalid: ${validation.issues.map((issue) => `${issue.path}: ${issue.message}`).join("; ")}`);
  }
  return serializeTable(table);
}
