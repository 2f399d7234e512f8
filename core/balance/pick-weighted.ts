import type { TargetSet } from "./target-set.ts";
import type { WeightedTarget } from "./weighted-target.ts";

/**
 * Weighted random choice. `random` returns a number in [0, 1) — injected, so callers and tests decide where
 * randomness comes from. Returns null for an empty list.
 */
export function pickWeighted<T extends WeightedTarget>(targets: readonly T[], random: () => number): T | null {
  let total = 0;
  for (const target of targets) total += target.weight;
  if (total <= 0) return null;
  let point = random() * total;
  for (const target of targets) {
    point -= target.weight;
    if (point < 0) return target;
  }
  // Only reached through floating-point rounding at the very top of the range.
  return targets[targets.length - 1] ?? null;
}

/**
 * {@link pickWeighted} on a prepared list, as an index (-1 for none), among the targets whose `mask` entry shares
 * no bit with `excluded` (all when `mask` is null). Draws `random` once, as pickWeighted does, and lands on the
 * same target for the same draw: over the whole list by binary search in the running sums (exact for integer
 * weights), over a part of it by the same walk as pickWeighted.
 */
export function weightedIndex(set: TargetSet<WeightedTarget>, random: () => number, mask: Uint8Array | null, excluded: number): number {
  const { targets } = set;
  if (mask === null && set.exactSums) {
    if (set.totalWeight <= 0) return -1;
    const point = random() * set.totalWeight;
    // The first index whose running sum exceeds the point: where pickWeighted's walk would stop.
    let low = 0;
    let high = targets.length - 1;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (point < (set.cumulativeWeights[middle] ?? 0)) high = middle;
      else low = middle + 1;
    }
    return low;
  }
  const included = (index: number): boolean => mask === null || ((mask[index] ?? 0) & excluded) === 0;
  let total = 0;
  let last = -1;
  for (let index = 0; index < targets.length; index++) {
    if (!included(index)) continue;
    total += targets[index]?.weight ?? 0;
    last = index;
  }
  if (total <= 0) return -1;
  let point = random() * total;
  for (let index = 0; index < targets.length; index++) {
    if (!included(index)) continue;
    point -= targets[index]?.weight ?? 0;
    if (point < 0) return index;
  }
  return last;
}
