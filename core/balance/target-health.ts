/**
 * Passive health as this edge sees it: a failed connection or a timeout marks a target down for a cool-down,
 * doubling with consecutive failures up to a cap. Plain data and arithmetic; the clock is passed in.
 */
export interface TargetHealth {
  readonly consecutiveFailures: number;
  /** Epoch milliseconds until which the target is avoided. */
  readonly downUntil: number;
  /** Table generation in force when the failure was seen: a newer table that lists the target clears it. */
  readonly generation: number;
}

export interface CoolDownPolicy {
  readonly coolDownMs: number;
  readonly maxCoolDownMs: number;
}

export function recordFailure(previous: TargetHealth | undefined, now: number, generation: number, policy: CoolDownPolicy): TargetHealth {
  const consecutiveFailures = (previous?.consecutiveFailures ?? 0) + 1;
  const coolDown = Math.min(policy.coolDownMs * 2 ** (consecutiveFailures - 1), policy.maxCoolDownMs);
  return { consecutiveFailures, downUntil: now + coolDown, generation };
}

/** True while the cool-down runs and no newer table has been loaded since the failure. */
export function isDown(health: TargetHealth | undefined, now: number, generation: number): boolean {
  return health !== undefined && now < health.downUntil && generation <= health.generation;
}

/**
 * A record that can be forgotten: superseded by a newer table, or cooled down for longer than the longest
 * cool-down (until then its failure count still lengthens the next cool-down).
 */
export function isForgettable(health: TargetHealth, now: number, generation: number, policy: CoolDownPolicy): boolean {
  return generation > health.generation || now >= health.downUntil + policy.maxCoolDownMs;
}
