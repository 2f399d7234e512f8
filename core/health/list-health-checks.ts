import { type BackendProtocol, protocolOf, type TableContent, type TableNode } from "../table/schema.ts";
import { healthCheckKey, httpCheckScheme } from "./health-check-key.ts";
import { probedHealthCheck } from "./probed-health-check.ts";

/** One active check: what to probe, where. Targets of several backends that share a key share one check. */
export type ActiveCheck =
  | { readonly key: string; readonly kind: "tcp"; readonly address: string; readonly port: number; readonly nodes: readonly string[] }
  | {
    readonly key: string;
    readonly kind: "http";
    readonly address: string;
    readonly port: number;
    readonly path: string;
    /** HTTPS when the check is on an HTTPS backend's own nodePort. */
    readonly scheme: BackendProtocol;
    /** Node names behind this address (normally one), for logs. */
    readonly nodes: readonly string[];
  };

/**
 * The checks a table implies: one per distinct key over every target of every backend, sorted by key. Targets
 * that are `down` are included, so that their checks go on and they can rise again. A target naming a Node the
 * table does not list has no address and is skipped (the validator rejects such tables anyway).
 *
 * `probeAddresses` (the compiler's `CompileResult.probeAddresses`) says which address of a Node to probe; a Node
 * it does not name is probed at its table address. Pass the map of the compile that made the table: the keys
 * must be those that compile reads `unhealthy` by. `kubeProxyHealthPort` is that compile's too (see
 * `probedHealthCheck`): with it, every Cluster-policy backend without a check of its own shares one check per Node.
 */
export function listHealthChecks(
  table: Pick<TableContent, "nodes" | "backends">,
  probeAddresses: ReadonlyMap<string, string> = new Map(),
  kubeProxyHealthPort?: number | null,
): ActiveCheck[] {
  const probed = (node: TableNode): string => probeAddresses.get(node.name) ?? node.address;
  const byName = new Map(table.nodes.map((node) => [node.name, node]));
  const checks = new Map<string, { check: ActiveCheck; nodes: Set<string> }>();
  for (const backend of table.backends) {
    const spec = probedHealthCheck(backend, kubeProxyHealthPort);
    const names = backend.targets === "all-nodes" ? table.nodes.map((node) => node.name) : backend.targets.map((t) => t.node);
    for (const name of names) {
      const node = byName.get(name);
      if (node === undefined) continue;
      const address = probed(node);
      const key = healthCheckKey(spec, address, backend.nodePort, protocolOf(backend));
      const known = checks.get(key);
      if (known !== undefined) {
        known.nodes.add(name);
        continue;
      }
      const check: ActiveCheck = spec.kind === "tcp"
        ? { key, kind: "tcp", address, port: backend.nodePort, nodes: [] }
        : { key, kind: "http", address, port: spec.port ?? backend.nodePort, path: spec.path, scheme: httpCheckScheme(spec, protocolOf(backend)), nodes: [] };
      checks.set(key, { check, nodes: new Set([name]) });
    }
  }
  return [...checks.values()]
    .map(({ check, nodes }) => ({ ...check, nodes: [...nodes].sort(compare) }))
    .sort((a, b) => compare(a.key, b.key));
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
