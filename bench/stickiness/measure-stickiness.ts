import { performance } from "node:perf_hooks";
import { assignClients, type AffinityChooser, type BenchTarget } from "./affinity-chooser.ts";
import { measureRemap } from "./measure-remap.ts";
import { measureSpread, type Spread } from "./measure-spread.ts";

/** Clients moved by one kind of change, worst and mean over the targets changed, against the ideal share. */
export interface RemapFigures {
  readonly ideal: number;
  readonly worstFraction: number;
  readonly meanFraction: number;
  /** worstFraction ÷ ideal: issue 7's goal is ≤ 1.1. */
  readonly worstRatio: number;
  readonly needless: number;
}

export interface StickinessCase {
  readonly label: string;
  readonly targets: number;
  readonly clients: number;
  /** A target leaves the table (e.g. its Node was deleted). */
  readonly removed: RemapFigures;
  /** A target stays in the table but this edge believes it is down. */
  readonly markedDown: RemapFigures;
  /** A target joins the table: ideal 1/(n+1). */
  readonly added: RemapFigures;
  /** Client-IP affinity: one request per client. */
  readonly clientIpSpread: Spread;
  /** No affinity: weighted random, one request per client. */
  readonly randomSpread: Spread;
  /** Time of one client-IP choice among the n targets. */
  readonly nanosecondsPerChoice: number;
}

const NONE_DOWN: ReadonlySet<string> = new Set();

/** Which targets to take away: first, middle and last (at most three), so cost stays low at large n. */
function sampleIndices(count: number): number[] {
  return [...new Set([0, Math.floor(count / 2), count - 1])];
}

export function measureStickiness(
  choose: AffinityChooser,
  clients: readonly string[],
  label: string,
  targets: readonly BenchTarget[],
): StickinessCase {
  // The first pass warms the JIT; the second is timed.
  const before = assignClients(choose, targets, clients);
  const started = performance.now();
  assignClients(choose, targets, clients);
  const nanosecondsPerChoice = ((performance.now() - started) * 1e6) / clients.length;
  const weightTotal = targets.reduce((sum, target) => sum + target.weight, 0);

  const removals = sampleIndices(targets.length).flatMap((index) => {
    const gone = targets[index];
    if (gone === undefined) return [];
    const ideal = gone.weight / weightTotal;
    const remaining = targets.filter((target) => target !== gone);
    return [{ ideal, remap: measureRemap(before, assignClients(choose, remaining, clients), gone.node) }];
  });
  const downs = sampleIndices(targets.length).flatMap((index) => {
    const down = targets[index];
    if (down === undefined) return [];
    const ideal = down.weight / weightTotal;
    return [{ ideal, remap: measureRemap(before, assignClients(choose, targets, clients, new Set([down.node])), down.node) }];
  });
  const newcomer: BenchTarget = { node: "node-new", weight: 1 };
  const added = measureRemap(before, assignClients(choose, [...targets, newcomer], clients), newcomer.node);
  const addedIdeal = newcomer.weight / (weightTotal + newcomer.weight);

  return {
    label,
    targets: targets.length,
    clients: clients.length,
    removed: summarize(removals),
    markedDown: summarize(downs),
    added: summarize([{ ideal: addedIdeal, remap: added }]),
    clientIpSpread: measureSpread(targets, before),
    randomSpread: measureSpread(targets, clients.map(() => choose(targets, undefined, NONE_DOWN) ?? "")),
    nanosecondsPerChoice,
  };
}

function summarize(changes: readonly { readonly ideal: number; readonly remap: ReturnType<typeof measureRemap> }[]): RemapFigures {
  if (changes.length === 0) throw new Error("no changes measured");
  // Ratios per change, because a weighted target's ideal share differs from the others'.
  let worst = changes[0];
  for (const change of changes) {
    if (worst === undefined || change.remap.movedFraction / change.ideal > worst.remap.movedFraction / worst.ideal) worst = change;
  }
  if (worst === undefined) throw new Error("no changes measured");
  return {
    ideal: worst.ideal,
    worstFraction: worst.remap.movedFraction,
    meanFraction: changes.reduce((sum, change) => sum + change.remap.movedFraction, 0) / changes.length,
    worstRatio: worst.remap.movedFraction / worst.ideal,
    needless: changes.reduce((sum, change) => sum + change.remap.needless, 0),
  };
}
