import { healthCheckKey } from "../../core/health/health-check-key.ts";
import { type HealthCheck, healthCheckOf, type TableContent } from "../../core/table/schema.ts";

/** One active check the table asks for: what to probe, and the key its result is known by. */
export interface HealthCheckTarget {
  /** `healthCheckKey(check, address, nodePort)`. */
  readonly key: string;
  readonly check: HealthCheck;
  readonly node: string;
  readonly address: string;
  readonly nodePort: number;
}

/**
 * What the loop needs from the health checker (written separately): the keys of targets now failing, a signal
 * when that set changes, and the list of checks to run, which the loop derives from each new table.
 */
export interface HealthSource {
  unhealthy(): ReadonlySet<string>;
  /** Returns a function that removes the listener. */
  onChange(listener: () => void): () => void;
  setChecks(checks: readonly HealthCheckTarget[]): void;
}

/** No active checks: every target counts as healthy. For `compile`-like runs and until a checker is wired in. */
export const noHealthChecks: HealthSource = {
  unhealthy: () => new Set(),
  onChange: () => () => {},
  setChecks: () => {},
};

/** Every distinct check the table's backends need, sorted by key. Pure. */
export function listHealthChecks(content: TableContent): HealthCheckTarget[] {
  const nodes = new Map(content.nodes.map((node) => [node.name, node]));
  const checks = new Map<string, HealthCheckTarget>();
  for (const backend of content.backends) {
    const check = healthCheckOf(backend);
    const { nodePort } = backend;
    const names = backend.targets === "all-nodes" ? content.nodes.map((n) => n.name) : backend.targets.map((t) => t.node);
    for (const name of names) {
      const node = nodes.get(name);
      if (node === undefined) continue;
      const key = healthCheckKey(check, node.address, nodePort);
      if (!checks.has(key)) checks.set(key, { key, check, node: name, address: node.address, nodePort });
    }
  }
  return [...checks.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}
