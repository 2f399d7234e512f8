import { hashString } from "./hash-string.ts";
import type { WeightedTarget } from "./weighted-target.ts";

/**
 * A target list prepared for choosing: everything that does not depend on the request, computed once per list.
 * A table's target lists never change, so a choice costs one hash of the client key plus a few integer
 * operations per target (rendezvous) or a binary search (weighted random), instead of a string hash and a
 * logarithm per target.
 */
export interface TargetSet<T extends WeightedTarget> {
  readonly targets: readonly T[];
  /** `hashString(node)` of each target, in list order, as signed 32-bit integers (cheaper to load and mix). */
  readonly nodeHashes: Int32Array;
  /** Each target's index into `groupWeights`: targets of equal weight form one group. */
  readonly weightGroups: Uint32Array;
  /** The distinct weights; one entry when every target weighs the same (no logarithm needed then). */
  readonly groupWeights: readonly number[];
  /** Running sums of the weights in list order: `cumulativeWeights[i]` = weights of targets 0..i. */
  readonly cumulativeWeights: Float64Array;
  readonly totalWeight: number;
  /** Whether every weight is a safe integer, so that running sums are exact and a binary search is exact. */
  readonly exactSums: boolean;
  /** Node name → its index (the first, should a name repeat). */
  readonly indexOfNode: ReadonlyMap<string, number>;
  /** Whether every node name appears once: then `indexOfNode` finds every target of a name. */
  readonly uniqueNodes: boolean;
}

// Keyed by the list itself: a list is prepared on first use and forgotten with it. Finished values only.
const prepared = new WeakMap<readonly WeightedTarget[], TargetSet<WeightedTarget>>();

/**
 * The prepared form of `targets`, built on first use and kept while the list lives. The list must not be changed
 * afterwards (a table's target lists never are): a different list needs a different array.
 */
export function targetSetOf<T extends WeightedTarget>(targets: readonly T[]): TargetSet<T> {
  const cached = prepared.get(targets);
  // The entry was stored under this very list, so its targets are of the caller's type.
  if (cached !== undefined) return cached as TargetSet<T>;
  const set = prepareTargets(targets);
  prepared.set(targets, set);
  return set;
}

export function prepareTargets<T extends WeightedTarget>(targets: readonly T[]): TargetSet<T> {
  const count = targets.length;
  const nodeHashes = new Int32Array(count);
  const weightGroups = new Uint32Array(count);
  const cumulativeWeights = new Float64Array(count);
  const groupWeights: number[] = [];
  const groupOfWeight = new Map<number, number>();
  const indexOfNode = new Map<string, number>();
  let totalWeight = 0;
  let exactSums = true;
  let uniqueNodes = true;
  targets.forEach((target, index) => {
    nodeHashes[index] = hashString(target.node) | 0;
    let group = groupOfWeight.get(target.weight);
    if (group === undefined) {
      group = groupWeights.length;
      groupWeights.push(target.weight);
      groupOfWeight.set(target.weight, group);
    }
    weightGroups[index] = group;
    totalWeight += target.weight;
    cumulativeWeights[index] = totalWeight;
    if (!Number.isSafeInteger(target.weight)) exactSums = false;
    if (indexOfNode.has(target.node)) uniqueNodes = false;
    else indexOfNode.set(target.node, index);
  });
  if (!Number.isSafeInteger(totalWeight)) exactSums = false;
  return { targets, nodeHashes, weightGroups, groupWeights, cumulativeWeights, totalWeight, exactSums, indexOfNode, uniqueNodes };
}
