import { rendezvousIndex } from "./pick-rendezvous.ts";
import { weightedIndex } from "./pick-weighted.ts";
import { targetSetOf, type TargetSet } from "./target-set.ts";
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

const TRIED = 1;
const DOWN = 2;

/**
 * The target for the next attempt of a request. Prefers targets neither tried nor believed down; when only
 * believed-down targets remain untried they are still tried (the edge's view of health is local and may be stale,
 * and trying beats failing outright). Null when every target was tried.
 *
 * `targets` is prepared once per list (see target-set.ts): pass the same array for every request of a table.
 */
export function chooseTarget<T extends WeightedTarget>(targets: readonly T[], choice: TargetChoice): T | null {
  const set = targetSetOf(targets);
  const mask = choice.tried.size > 0 || choice.down.size > 0 ? markTargets(set, choice) : null;
  let excluded = 0;
  if (mask !== null) {
    let untried = false;
    let healthy = false;
    for (const marks of mask) {
      if ((marks & TRIED) === 0) untried = true;
      if (marks === 0) healthy = true;
    }
    if (!untried) return null;
    excluded = healthy ? TRIED | DOWN : TRIED;
  }
  const index = choice.affinityKey === undefined ? weightedIndex(set, choice.random, mask, excluded) : rendezvousIndex(set, choice.affinityKey, mask, excluded);
  return targets[index] ?? null;
}

/** Each target's marks (tried, believed down); null when neither set names any of them. */
function markTargets(set: TargetSet<WeightedTarget>, choice: TargetChoice): Uint8Array | null {
  const mask = new Uint8Array(set.targets.length);
  let marked = false;
  const mark = (names: ReadonlySet<string>, bit: number): void => {
    if (names.size === 0) return;
    if (set.uniqueNodes && names.size < set.targets.length) {
      for (const name of names) {
        const index = set.indexOfNode.get(name);
        if (index === undefined) continue;
        mask[index] = (mask[index] ?? 0) | bit;
        marked = true;
      }
      return;
    }
    set.targets.forEach((target, index) => {
      if (!names.has(target.node)) return;
      mask[index] = (mask[index] ?? 0) | bit;
      marked = true;
    });
  };
  mark(choice.tried, TRIED);
  mark(choice.down, DOWN);
  return marked ? mask : null;
}
