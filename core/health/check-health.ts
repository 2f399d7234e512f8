/**
 * The rise/fall state machine of one check, as HAProxy and cloud load balancers count: a healthy check turns
 * unhealthy after `fall` consecutive failures, an unhealthy one healthy again after `rise` consecutive
 * successes. A single contrary result (one dropped SYN, one slow answer) changes nothing.
 */
export interface Thresholds {
  /** Consecutive successes that make an unhealthy check healthy (≥ 1). */
  readonly rise: number;
  /** Consecutive failures that make a healthy check unhealthy (≥ 1). */
  readonly fall: number;
}

export interface CheckHealth {
  readonly healthy: boolean;
  /** Consecutive results that contradict `healthy` so far: failures while healthy, successes while not. */
  readonly streak: number;
}

/**
 * A check seen for the first time is healthy: a new table, a new Node or a restarted agent must not black-hole
 * traffic until its first checks come back. The edge's own failover covers the first `fall` intervals.
 */
export const NEW_CHECK_HEALTH: CheckHealth = { healthy: true, streak: 0 };

/** The health after one more result. */
export function recordCheckResult(health: CheckHealth, ok: boolean, thresholds: Thresholds): CheckHealth {
  if (ok === health.healthy) return health.streak === 0 ? health : { healthy: health.healthy, streak: 0 };
  const streak = health.streak + 1;
  const needed = health.healthy ? thresholds.fall : thresholds.rise;
  return streak >= needed ? { healthy: ok, streak: 0 } : { healthy: health.healthy, streak };
}

/** The keys whose checks are unhealthy: what `CompileOptions.unhealthy` takes. */
export function listUnhealthy(state: ReadonlyMap<string, CheckHealth>): ReadonlySet<string> {
  const keys = new Set<string>();
  for (const [key, health] of state) if (!health.healthy) keys.add(key);
  return keys;
}

/** Whether two sets of keys hold the same keys: the shell tells listeners only about real changes. */
export function sameKeys(a: ReadonlySet<string>, b: ReadonlySet<string>): boolean {
  if (a.size !== b.size) return false;
  for (const key of a) if (!b.has(key)) return false;
  return true;
}
