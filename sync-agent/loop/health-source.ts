import type { ActiveCheck } from "../../core/health/list-health-checks.ts";

/**
 * What the loop needs from the health checker (sync-agent/health/health-checker.ts): the keys of targets now
 * failing, a signal when that set changes, and the list of checks to run, which the loop derives from each new
 * table with `listHealthChecks`.
 */
export interface HealthSource {
  unhealthy(): ReadonlySet<string>;
  /** Returns a function that removes the listener. */
  onChange(listener: () => void): () => void;
  setChecks(checks: readonly ActiveCheck[]): void;
}

/** No active checks: every target counts as healthy. For runs that were asked not to check. */
export const noHealthChecks: HealthSource = {
  unhealthy: () => new Set(),
  onChange: () => () => {},
  setChecks: () => {},
};
