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
