import { performance } from "node:perf_hooks";
import { assignClients, createTargets, type AffinityChooser } from "./affinity-chooser.ts";

export interface ChoiceCost {
  readonly targets: number;
  readonly nanosecondsPerChoice: number;
}

/**
 * Time of one client-IP choice among n targets. Rendezvous hashing scores every target, so this grows with n:
 * a Cluster-policy backend on a 1,000-Node cluster has 1,000 targets.
 */
export function measureChoiceCost(choose: AffinityChooser, clients: readonly string[], targetCount: number): ChoiceCost {
  const targets = createTargets(targetCount);
  // The first pass warms the JIT; the second is timed.
  assignClients(choose, targets, clients);
  const started = performance.now();
  assignClients(choose, targets, clients);
  return { targets: targetCount, nanosecondsPerChoice: ((performance.now() - started) * 1e6) / clients.length };
}
