import { chooseTarget } from "../../core/balance/choose-target.ts";
import type { AffinityChooser } from "./affinity-chooser.ts";

const NOTHING_TRIED: ReadonlySet<string> = new Set();

/** The worker's own choice of target (core/balance), as the benchmark calls it: first attempt of a request. */
export function createCoreChooser(random: () => number): AffinityChooser {
  // One object shape whether or not there is a key (`affinityKey: undefined` means none), as a request would pass.
  return (targets, key, down) => chooseTarget(targets, { affinityKey: key, tried: NOTHING_TRIED, down, random })?.node ?? null;
}
