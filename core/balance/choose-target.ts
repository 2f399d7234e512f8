import { pickRendezvous } from "./pick-rendezvous.ts";
import { pickWeighted } from "./pick-weighted.ts";
import type { WeightedTarget } from "./weighted-target.ts";

export interface TargetChoice {
  /** Client-IP affinity key (rendezvous hashing); absent = weighted random. */
  readonly affinityKey?: string;
  /** Node names already tried for this request: never chosen again. */
  readonly tried: ReadonlySet<string>;
  /** Node names this edge believes are down: avoided while any other target remains. */
  readonly down: ReadonlySet<string>;
  /** In [0, 1); injected. */
  readonly random: () => number;
}

/**
 * The target for the next attempt of a request. Prefers targets neither tried nor believed down; when only
 * believed-down targets remain untried they are still tried (the edge's view of health is local and may be stale,
 * and trying beats failing outright). Null when every target was tried.
 */
export function chooseTarget<T extends WeightedTarget>(targets: readonly T[], choice: TargetChoice): T | null {
  const untried = targets.filter((target) => !choice.tried.has(target.node));
  const healthy = untried.filter((target) => !choice.down.has(target.node));
  const pool = healthy.length > 0 ? healthy : untried;
  if (pool.length === 0) return null;
  return choice.affinityKey === undefined ? pickWeighted(pool, choice.random) : pickRendezvous(pool, choice.affinityKey);
}
