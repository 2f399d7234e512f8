import { targetSetOf } from "../../core/balance/target-set.ts";
import { isDown, isForgettable, recordFailure, type CoolDownPolicy, type TargetHealth } from "../../core/balance/target-health.ts";
import type { ResolvedTarget } from "../../core/table/resolve-targets.ts";

export interface DownTarget {
  readonly node: string;
  readonly nodePort: number;
  readonly downUntil: number;
  readonly consecutiveFailures: number;
}

interface HealthRecord {
  readonly node: string;
  readonly nodePort: number;
  readonly health: TargetHealth;
}

const MAX_RECORDS = 10_000;
const NONE_DOWN: ReadonlySet<string> = new Set();

/** The isolate's passive health: failed targets (node × nodePort) and their cool-downs. Shell over target-health. */
export class HealthRegistry {
  readonly #records = new Map<string, HealthRecord>();

  recordFailure(target: ResolvedTarget, now: number, generation: number, policy: CoolDownPolicy): void {
    const key = keyOf(target);
    const health = recordFailure(this.#records.get(key)?.health, now, generation, policy);
    this.#records.set(key, { node: target.node, nodePort: target.nodePort, health });
    if (this.#records.size > MAX_RECORDS) this.prune(now, generation, policy);
  }

  recordSuccess(target: ResolvedTarget): void {
    if (this.#records.size > 0) this.#records.delete(keyOf(target));
  }

  /** Node names of `targets` this edge currently believes down. */
  downNodes(targets: readonly ResolvedTarget[], now: number, generation: number): ReadonlySet<string> {
    if (this.#records.size === 0) return NONE_DOWN;
    const down = new Set<string>();
    if (this.#records.size < targets.length) {
      // Fewer failures than targets (a big Cluster-policy backend): look the failures up among the targets.
      const { indexOfNode, uniqueNodes } = targetSetOf(targets);
      if (uniqueNodes) {
        for (const record of this.#records.values()) {
          const index = indexOfNode.get(record.node);
          if (index !== undefined && targets[index]?.nodePort === record.nodePort && isDown(record.health, now, generation)) down.add(record.node);
        }
        return down;
      }
    }
    for (const target of targets) {
      if (isDown(this.#records.get(keyOf(target))?.health, now, generation)) down.add(target.node);
    }
    return down;
  }

  list(now: number, generation: number): DownTarget[] {
    const out: DownTarget[] = [];
    for (const { node, nodePort, health } of this.#records.values()) {
      if (!isDown(health, now, generation)) continue;
      out.push({ node, nodePort, downUntil: health.downUntil, consecutiveFailures: health.consecutiveFailures });
    }
    return out.sort((a, b) => (a.node === b.node ? a.nodePort - b.nodePort : a.node < b.node ? -1 : 1));
  }

  prune(now: number, generation: number, policy: CoolDownPolicy): void {
    for (const [key, record] of this.#records) if (isForgettable(record.health, now, generation, policy)) this.#records.delete(key);
    // Still too many (a flood of distinct failures): forget the oldest rather than grow without bound.
    for (const key of this.#records.keys()) {
      if (this.#records.size <= MAX_RECORDS) break;
      this.#records.delete(key);
    }
  }
}

function keyOf(target: ResolvedTarget): string {
  return `${target.node}:${target.nodePort}`;
}
