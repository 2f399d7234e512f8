import type { BenchTarget } from "./affinity-chooser.ts";

/** How evenly load fell on targets, relative to their weights: 1 is perfectly even. */
export interface Spread {
  /** Largest over smallest of (requests ÷ weight); Infinity when a target got nothing. */
  readonly maxOverMin: number;
  /** Largest relative deviation of a target's share from its weight's share. */
  readonly worstDeviation: number;
}

export function measureSpread(targets: readonly BenchTarget[], assigned: readonly string[]): Spread {
  const counts = new Map<string, number>(targets.map((target) => [target.node, 0]));
  for (const node of assigned) counts.set(node, (counts.get(node) ?? 0) + 1);
  const totalWeight = targets.reduce((sum, target) => sum + target.weight, 0);
  let max = 0;
  let min = Infinity;
  let worstDeviation = 0;
  for (const target of targets) {
    const count = counts.get(target.node) ?? 0;
    const perWeight = count / target.weight;
    max = Math.max(max, perWeight);
    min = Math.min(min, perWeight);
    const expected = (assigned.length * target.weight) / totalWeight;
    if (expected > 0) worstDeviation = Math.max(worstDeviation, Math.abs(count - expected) / expected);
  }
  return { maxOverMin: min === 0 ? Infinity : max / min, worstDeviation };
}
