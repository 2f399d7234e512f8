import type { Thresholds } from "../../core/health/check-health.ts";

/** How the checker probes; the `--health-*` flags give these. */
export interface HealthSettings extends Thresholds {
  /** Time between the starts of two runs of one check. */
  readonly intervalMs: number;
  /** A check without a verdict by then fails. At most the interval, so that runs of one check never overlap. */
  readonly timeoutMs: number;
  /** Checks running at once, over all targets. */
  readonly concurrency: number;
}

/*
 * A dead Node's targets are marked down within `fall × interval + timeout` (less when the failure is quick, such
 * as a refused connection), provided concurrency keeps up. The edge fails over on its own meanwhile.
 */
export const defaultHealthSettings: HealthSettings = { intervalMs: 5_000, timeoutMs: 2_000, rise: 2, fall: 2, concurrency: 64 };

/** Every problem with `settings`, in words for the command line; empty when they are usable. */
export function checkHealthSettings(settings: HealthSettings): string[] {
  const problems: string[] = [];
  const positive = (ms: number): boolean => Number.isFinite(ms) && ms > 0;
  if (!positive(settings.intervalMs)) problems.push(`interval must be a positive duration, not ${settings.intervalMs} ms`);
  if (!positive(settings.timeoutMs)) problems.push(`timeout must be a positive duration, not ${settings.timeoutMs} ms`);
  else if (positive(settings.intervalMs) && settings.timeoutMs > settings.intervalMs) {
    problems.push(`timeout (${settings.timeoutMs} ms) must not exceed the interval (${settings.intervalMs} ms): runs of one check would overlap`);
  }
  for (const [name, value, max] of [["rise", settings.rise, 100], ["fall", settings.fall, 100], ["concurrency", settings.concurrency, 10_000]] as const) {
    if (!(Number.isInteger(value) && value >= 1 && value <= max)) problems.push(`${name} must be a whole number from 1 to ${max}, not ${value}`);
  }
  return problems;
}
