import { hashString, mixWord } from "./hash-string.ts";
import { targetSetOf, type TargetSet } from "./target-set.ts";
import type { WeightedTarget } from "./weighted-target.ts";

/**
 * Weighted rendezvous (highest random weight) hashing: every target scores `-weight / ln(u)` with `u` a hash of
 * (target, key) mapped into (0, 1); the highest score wins. The score of a pair never depends on the other
 * targets, so removing one of n targets moves only the keys it held (≈ 1/n), adding one takes ≈ 1/(n+1) from the
 * others, and a key's share of a target is proportional to its weight. Ties (rare) go to the smaller node name,
 * so the result never depends on list order.
 */
export function pickRendezvous<T extends WeightedTarget>(targets: readonly T[], key: string): T | null {
  return targets[rendezvousIndex(targetSetOf(targets), key, null, 0)] ?? null;
}

/**
 * The index of the rendezvous winner for `key` among the targets whose `mask` entry shares no bit with
 * `excluded` (all targets when `mask` is null); -1 when none qualifies.
 *
 * The pair hash is MurmurHash3 of the key's hash seeded with the target's precomputed hash, so per target it costs
 * a few integer operations. Among targets of equal weight the highest hash has the highest score, so the
 * logarithm is taken once per distinct weight, not once per target.
 */
export function rendezvousIndex(set: TargetSet<WeightedTarget>, key: string, mask: Uint8Array | null, excluded: number): number {
  const mixedKey = mixWord(hashString(key));
  const { nodeHashes, weightGroups, targets } = set;
  const count = nodeHashes.length;
  const groups = set.groupWeights.length;
  if (groups <= 1) {
    let best = -1;
    let bestRank = 0;
    for (let index = 0; index < count; index++) {
      if (mask !== null && ((mask[index] ?? 0) & excluded) !== 0) continue;
      const rank = pairRank(nodeHashes[index] ?? 0, mixedKey);
      if (best < 0 || rank > bestRank || (rank === bestRank && nodeBefore(targets, index, best))) {
        best = index;
        bestRank = rank;
      }
    }
    return best;
  }
  const bestOfGroup = new Int32Array(groups).fill(-1);
  const rankOfGroup = new Float64Array(groups).fill(-Infinity);
  for (let index = 0; index < count; index++) {
    if (mask !== null && ((mask[index] ?? 0) & excluded) !== 0) continue;
    const group = weightGroups[index] ?? 0;
    const rank = pairRank(nodeHashes[index] ?? 0, mixedKey);
    const groupRank = rankOfGroup[group] ?? -Infinity;
    if (rank > groupRank || (rank === groupRank && nodeBefore(targets, index, bestOfGroup[group] ?? -1))) {
      bestOfGroup[group] = index;
      rankOfGroup[group] = rank;
    }
  }
  let best = -1;
  let bestScore = -Infinity;
  for (let group = 0; group < groups; group++) {
    const index = bestOfGroup[group] ?? -1;
    if (index < 0) continue;
    const hash = ((rankOfGroup[group] ?? 0) ^ SIGN) >>> 0;
    const score = -(set.groupWeights[group] ?? 1) / Math.log((hash + 0.5) / 4294967296);
    if (score > bestScore || (score === bestScore && nodeBefore(targets, index, best))) {
      best = index;
      bestScore = score;
    }
  }
  return best;
}

const SIGN = -0x80000000;

/**
 * `hashWord(nodeHash, mixedKey) ^ 0x80000000` as a signed 32-bit integer: ordered like the hash, but a small
 * integer all the way, so the per-target loop allocates nothing. Written out here (the same steps as hashWord)
 * because this is the loop that runs once per target.
 */
function pairRank(nodeHash: number, mixedKey: number): number {
  let h = nodeHash ^ mixedKey;
  h = (Math.imul((h << 13) | (h >>> 19), 5) + 0xe6546b64) | 0;
  h ^= 4;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h ^ SIGN;
}

/** Whether target `index` has a smaller node name than target `other` (false when there is no other yet). */
function nodeBefore(targets: readonly WeightedTarget[], index: number, other: number): boolean {
  const a = targets[index];
  const b = targets[other];
  return a !== undefined && b !== undefined && a.node < b.node;
}
