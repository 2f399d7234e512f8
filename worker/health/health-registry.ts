import { isDown, isForgettable, recordFailure, type CoolDownPolicy, type TargetHealth } from "../../core/balance/target-health.ts";
import type { ResolvedTarget } from "../../core/table/resolve-targets.ts";

export interface DownTarget {
  readonly node: string;
  readonly nodePort: number;
  readonly downUntil: number;
  readonly consecutiveFailures: number;
}

const MAX_RECORDS = 10_000;

/** The isolate's passive health: failed targets (node × nodePort) and their cool-downs. Shell over target-health. */
export class HealthRegistry {
  readonly #records = new Map<string, TargetHealth>();

  recordFailure(target: ResolvedTarget, now: number, generation: number, policy: CoolDownPolicy): void {
    const key = keyOf(target);
    this.#records.set(key, recordFailure(this.#records.get(key), now, generation, policy));
    if (this.#records.size > MAX_RECORDS) this.prune(now, generation, policy);
  }

  recordSuccess(target: ResolvedTarget): void {
    if (this.#records.size > 0) this.#records.delete(keyOf(target));
  }

  /** Node names of `targets` this edge currently believes down. */
  downNodes(targets: readonly ResolvedTarget[], now: number, generation: number): Set<string> {
    const down = new Set<string>();
    if (this.#records.size === 0) return down;
    for (const target of targets) {
      if (isDown(this.#records.get(keyOf(target)), now, generation)) down.add(target.node);
    }
    return down;
  }

  list(now: number, generation: number): DownTarget[] {
    const out: DownTarget[] = [];
    for (const [key, health] of this.#records) {
      if (!isDown(health, now, generation)) continue;
      const colon = key.lastIndexOf(":");
      out.push({ node: key.slice(0, colon), nodePort: Number(key.slice(colon + 1)), downUntil: health.downUntil, consecutiveFailures: health.consecutiveFailures });
    }
    return out.sort((a, b) => (a.node === b.node ? a.nodePort - b.nodePort : a.node < b.node ? -1 : 1));
  }

  prune(now: number, generation: number, policy: CoolDownPolicy): void {
    for (const [key, health] of this.#records) if (isForgettable(health, now, generation, policy)) this.#records.delete(key);
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
