import { hashString } from "./hash-string.ts";
import type { WeightedTarget } from "./weighted-target.ts";

/**
 * Weighted rendezvous (highest random weight) hashing: every target scores `-weight / ln(u)` with `u` a hash of
 * (target, key) mapped into (0, 1); the highest score wins. The score of a pair never depends on the other
 * targets, so removing one of n targets moves only the keys it held (≈ 1/n), adding one takes ≈ 1/(n+1) from the
 * others, and a key's share of a target is proportional to its weight. Ties (astronomically rare) go to the
 * smaller node name, so the result never depends on list order.
 */
export function pickRendezvous<T extends WeightedTarget>(targets: readonly T[], key: string): T | null {
  const keyHash = hashString(key);
  let best: T | null = null;
  let bestScore = -Infinity;
  for (const target of targets) {
    const score = scoreTarget(target, keyHash);
    if (score > bestScore || (score === bestScore && best !== null && target.node < best.node)) {
      best = target;
      bestScore = score;
    }
  }
  return best;
}

function scoreTarget(target: WeightedTarget, keyHash: number): number {
  // Seeding the target's hash with the key's hash keeps per-request work to one short hash per target.
  const unit = (hashString(target.node, keyHash) + 0.5) / 4294967296;
  return -target.weight / Math.log(unit);
}
