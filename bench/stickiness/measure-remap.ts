/** How many clients changed target between two assignments, and how many of those had no reason to. */
export interface Remap {
  readonly moved: number;
  readonly movedFraction: number;
  /**
   * Moved although their target was still there: for a removal, clients that were not on the removed target;
   * for an addition, clients that did not go to the new one. Zero for a consistent hash.
   */
  readonly needless: number;
}

/**
 * `before` and `after` give each client's node. `changed` is the node removed, marked down, or added: a client
 * moving off it (removal) or onto it (addition) had to move; any other move was needless.
 */
export function measureRemap(before: readonly string[], after: readonly string[], changed: string): Remap {
  if (before.length !== after.length) throw new Error("assignments of different client counts");
  let moved = 0;
  let needless = 0;
  for (let index = 0; index < before.length; index++) {
    const from = before[index];
    const to = after[index];
    if (from === to) continue;
    moved++;
    if (from !== changed && to !== changed) needless++;
  }
  return { moved, movedFraction: before.length === 0 ? 0 : moved / before.length, needless };
}
