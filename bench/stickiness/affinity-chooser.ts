/** What balancing knows of a target (structurally core/balance's WeightedTarget). */
export interface BenchTarget {
  readonly node: string;
  readonly weight: number;
}

/**
 * The balancer under measurement: the node a request lands on, given the table's targets, the client's affinity
 * key (absent = no affinity) and the nodes this edge believes are down.
 */
export type AffinityChooser = (targets: readonly BenchTarget[], key: string | undefined, down: ReadonlySet<string>) => string | null;

/** One node per client, in client order. */
export function assignClients(choose: AffinityChooser, targets: readonly BenchTarget[], clients: readonly string[], down: ReadonlySet<string> = new Set()): string[] {
  return clients.map((client) => {
    const node = choose(targets, client, down);
    if (node === null) throw new Error(`no target for ${client} among ${targets.length}`);
    return node;
  });
}

export function createTargets(count: number, weightOf: (index: number) => number = () => 1): BenchTarget[] {
  return Array.from({ length: count }, (_, index) => ({ node: `node-${String(index).padStart(3, "0")}`, weight: weightOf(index) }));
}
