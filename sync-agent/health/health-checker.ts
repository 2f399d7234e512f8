import type { Registry } from "prom-client";
import pLimit from "p-limit";
import { type CheckHealth, listUnhealthy, NEW_CHECK_HEALTH, recordCheckResult, sameKeys } from "../../core/health/check-health.ts";
import type { ActiveCheck } from "../../core/health/list-health-checks.ts";
import { type Logger, silentLogger } from "../observe/logger.ts";
import { type HealthMetrics, noHealthMetrics, registerHealthMetrics } from "./health-metrics.ts";
import { checkHealthSettings, type HealthSettings } from "./health-settings.ts";
import { type Probe, type ProbeResult, probeTarget } from "./probe-target.ts";
import { systemTimers, type TimerHandle, type Timers } from "./timers.ts";

export interface HealthCheckerOptions extends HealthSettings {
  /** Where the health metrics go; none when absent. Register one checker per registry. */
  readonly registry?: Registry;
  readonly logger?: Logger;
  /** Injected for tests; defaults to the system clock. */
  readonly timers?: Timers;
  /** Injected for tests; defaults to real TCP and HTTP probes. */
  readonly probe?: Probe;
}

/**
 * Runs the active checks of the current table and keeps the set of unhealthy check keys, which the sync loop
 * passes to the compiler as `CompileOptions.unhealthy`.
 *
 * Use: on every compile, `setChecks(listHealthChecks(result.content, result.probeAddresses))`; compile with
 * `unhealthy()`; recompile when `onChange` fires.
 */
export interface HealthChecker {
  /**
   * Replaces the checks to run. Checks already known keep their state and schedule; new ones start healthy and
   * run at once (when started); dropped ones stop and are forgotten. Never fires `onChange`: the keys it drops
   * name no target of the table the checks came from, so that table needs no recompiling.
   */
  setChecks(checks: readonly ActiveCheck[]): void;
  /** Keys of the checks now unhealthy. A new set object after each change; never mutated. */
  unhealthy(): ReadonlySet<string>;
  /**
   * Calls `listener` with the new unhealthy set each time a check turns healthy or unhealthy, and only then.
   * Returns a function that removes the listener.
   */
  onChange(listener: (unhealthy: ReadonlySet<string>) => void): () => void;
  /** Starts checking: every check runs now, then once per interval. Idempotent. */
  start(): void;
  /** Stops checking and aborts running probes; resolves once they have settled. Results after stop are dropped. */
  stop(): Promise<void>;
}

/** Options that cannot work: thrown by `createHealthChecker`, with every problem. */
export class HealthCheckerOptionsError extends Error {
  readonly code = "HEALTH_OPTIONS";
  constructor(readonly problems: readonly string[]) {
    super(`invalid health-check options: ${problems.join("; ")}`);
    this.name = "HealthCheckerOptionsError";
  }
}

interface Entry {
  check: ActiveCheck;
  health: CheckHealth;
  /** When the next run is due (timers' clock). */
  due: number;
  timer: TimerHandle | null;
  /** Aborts the run in flight, if any. */
  abort: AbortController | null;
  removed: boolean;
}

export function createHealthChecker(options: HealthCheckerOptions): HealthChecker {
  const problems = checkHealthSettings(options);
  if (problems.length > 0) throw new HealthCheckerOptionsError(problems);
  const { intervalMs, timeoutMs } = options;
  const thresholds = { rise: options.rise, fall: options.fall };
  const timers = options.timers ?? systemTimers;
  const probe = options.probe ?? probeTarget;
  const logger = options.logger ?? silentLogger;
  const metrics: HealthMetrics = options.registry === undefined ? noHealthMetrics : registerHealthMetrics(options.registry);
  const limit = pLimit(options.concurrency);

  const entries = new Map<string, Entry>();
  const listeners = new Set<(unhealthy: ReadonlySet<string>) => void>();
  const inFlight = new Set<Promise<void>>();
  let unhealthy: ReadonlySet<string> = new Set();
  let running = false;
  // Bumped on stop, so that runs queued before a stop do not run after a restart next to their replacements.
  let epoch = 0;

  const healthByKey = (): Map<string, CheckHealth> => new Map([...entries].map(([key, entry]) => [key, entry.health]));

  function schedule(entry: Entry, delayMs: number): void {
    entry.due = timers.now() + delayMs;
    const scheduledIn = epoch;
    entry.timer = timers.setTimeout(() => {
      entry.timer = null;
      const run = limit(() => runCheck(entry, scheduledIn)).catch((error: unknown) => {
        // A bug, not a failed probe: keep the check alive rather than freeze its verdict.
        logger.log("error", "health.check_crashed", { check: entry.check.key, error });
        if (running && epoch === scheduledIn && !entry.removed && entry.timer === null) schedule(entry, intervalMs);
      });
      inFlight.add(run);
      void run.finally(() => inFlight.delete(run));
    }, delayMs);
  }

  async function runCheck(entry: Entry, scheduledIn: number): Promise<void> {
    const current = (): boolean => running && epoch === scheduledIn && !entry.removed;
    if (!current()) return;
    const started = timers.now();
    metrics.delayed(Math.max(0, started - entry.due) / 1000);
    const result = await probeWithTimeout(entry);
    const seconds = (timers.now() - started) / 1000;
    if (!current()) return;
    metrics.checked(entry.check.kind, seconds, result.ok ? null : result.code);
    record(entry, result);
    schedule(entry, Math.max(0, started + intervalMs - timers.now()));
  }

  function probeWithTimeout(entry: Entry): Promise<ProbeResult> {
    const controller = new AbortController();
    entry.abort = controller;
    return new Promise<ProbeResult>((resolve) => {
      // The timeout answers even for a probe that ignores its signal.
      const timer = timers.setTimeout(() => {
        resolve({ ok: false, code: "TIMEOUT", message: `no answer within ${timeoutMs} ms` });
        controller.abort();
      }, timeoutMs);
      probe(entry.check, controller.signal).then(
        (result) => {
          timers.clearTimeout(timer);
          resolve(result);
        },
        (error: unknown) => {
          timers.clearTimeout(timer);
          resolve({ ok: false, code: "CONNECT_FAILED", message: error instanceof Error ? error.message : String(error) });
        },
      );
    }).finally(() => {
      if (entry.abort === controller) entry.abort = null;
    });
  }

  function record(entry: Entry, result: ProbeResult): void {
    const before = entry.health;
    entry.health = recordCheckResult(before, result.ok, thresholds);
    if (entry.health.healthy === before.healthy) return;
    const { key, nodes } = entry.check;
    try {
      if (entry.health.healthy) logger.log("info", "health.up", { check: key, nodes, successes: thresholds.rise });
      else logger.log("warn", "health.down", { check: key, nodes, failures: thresholds.fall, ...(result.ok ? {} : { code: result.code, reason: result.message }) });
    } finally {
      publish(true);
    }
  }

  function publish(notify: boolean): void {
    const next = listUnhealthy(healthByKey());
    metrics.counted(entries.size, next.size);
    if (sameKeys(next, unhealthy)) return;
    unhealthy = next;
    if (!notify) return;
    for (const listener of [...listeners]) {
      try {
        listener(next);
      } catch (error) {
        logger.log("error", "health.listener_failed", { error });
      }
    }
  }

  function forget(entry: Entry): void {
    entry.removed = true;
    if (entry.timer !== null) timers.clearTimeout(entry.timer);
    entry.timer = null;
    entry.abort?.abort();
  }

  return {
    setChecks(checks) {
      const wanted = new Map<string, ActiveCheck>();
      for (const check of checks) if (!wanted.has(check.key)) wanted.set(check.key, check);
      for (const [key, entry] of entries) {
        if (wanted.has(key)) continue;
        forget(entry);
        entries.delete(key);
      }
      for (const [key, check] of wanted) {
        const known = entries.get(key);
        if (known !== undefined) {
          known.check = check;
          continue;
        }
        const entry: Entry = { check, health: NEW_CHECK_HEALTH, due: timers.now(), timer: null, abort: null, removed: false };
        entries.set(key, entry);
        if (running) schedule(entry, 0);
      }
      publish(false);
    },
    unhealthy: () => unhealthy,
    onChange(listener) {
      const own = (set: ReadonlySet<string>): void => listener(set);
      listeners.add(own);
      return () => {
        listeners.delete(own);
      };
    },
    start() {
      if (running) return;
      running = true;
      for (const entry of entries.values()) schedule(entry, 0);
      logger.log("info", "health.started", { checks: entries.size, intervalMs, timeoutMs, ...thresholds, concurrency: options.concurrency });
    },
    async stop() {
      if (!running) return;
      running = false;
      epoch += 1;
      for (const entry of entries.values()) {
        if (entry.timer !== null) timers.clearTimeout(entry.timer);
        entry.timer = null;
        entry.abort?.abort();
      }
      await Promise.allSettled([...inFlight]);
      logger.log("info", "health.stopped", {});
    },
  };
}
