import { Registry } from "prom-client";
import { describe, expect, it } from "vitest";
import type { ActiveCheck } from "../../../core/health/list-health-checks.ts";
import { createHealthChecker, type HealthChecker, HealthCheckerOptionsError } from "../../../sync-agent/health/health-checker.ts";
import type { HealthSettings } from "../../../sync-agent/health/health-settings.ts";
import type { Probe, ProbeResult } from "../../../sync-agent/health/probe-target.ts";
import { createLogger } from "../../../sync-agent/observe/logger.ts";
import { createFakeTimers, type FakeTimers } from "./fake-timers.ts";

/*
 * The checker's schedule and arithmetic on a hand-driven clock, with a scripted probe standing in for the
 * network (the real probe is tested against real servers elsewhere). Times are in milliseconds.
 */

type Behaviour = "pass" | "fail" | "hang" | "throw";

function check(n: number): ActiveCheck {
  return { key: `tcp://127.0.0.${n}:30080`, kind: "tcp", address: `127.0.0.${n}`, port: 30080, nodes: [`node-${n}`] };
}

function scriptedProbe(timers: FakeTimers) {
  const behaviour = new Map<string, Behaviour>();
  const calls: { key: string; at: number }[] = [];
  let active = 0;
  let maxActive = 0;
  const probe: Probe = (target, signal) => {
    calls.push({ key: target.key, at: timers.now() });
    const mode = behaviour.get(target.key) ?? "pass";
    if (mode === "throw") return Promise.reject(new Error("probe blew up"));
    if (mode !== "hang") return Promise.resolve<ProbeResult>(mode === "pass" ? { ok: true } : { ok: false, code: "CONNECT_FAILED", message: "ECONNREFUSED" });
    active += 1;
    maxActive = Math.max(maxActive, active);
    return new Promise((resolve) => {
      signal.addEventListener("abort", () => {
        active -= 1;
        resolve({ ok: false, code: "ABORTED", message: "aborted" });
      }, { once: true });
    });
  };
  return {
    probe,
    calls,
    set: (key: string, mode: Behaviour) => behaviour.set(key, mode),
    callsOf: (key: string) => calls.filter((c) => c.key === key).map((c) => c.at),
    maxActive: () => maxActive,
  };
}

const settings: HealthSettings = { intervalMs: 1_000, timeoutMs: 300, rise: 2, fall: 3, concurrency: 8 };

function setUp(overrides: Partial<HealthSettings> = {}, extra: { registry?: Registry; lines?: string[] } = {}) {
  const timers = createFakeTimers();
  const script = scriptedProbe(timers);
  const lines = extra.lines;
  const checker = createHealthChecker({
    ...settings,
    ...overrides,
    timers,
    probe: script.probe,
    ...(extra.registry === undefined ? {} : { registry: extra.registry }),
    ...(lines === undefined ? {} : { logger: createLogger({ write: (line) => lines.push(line), level: "debug" }) }),
  });
  const changes: string[][] = [];
  checker.onChange((unhealthy) => changes.push([...unhealthy].sort()));
  return { timers, script, checker, changes };
}

function keysOf(checker: HealthChecker): string[] {
  return [...checker.unhealthy()].sort();
}

describe("createHealthChecker, on a hand-driven clock", () => {
  it("runs every check at start, then once per interval", async () => {
    const { timers, script, checker } = setUp();
    checker.setChecks([check(2), check(3)]);
    checker.start();
    await timers.advance(3_500);
    expect(script.callsOf(check(2).key)).toEqual([0, 1_000, 2_000, 3_000]);
    expect(script.callsOf(check(3).key)).toEqual([0, 1_000, 2_000, 3_000]);
    await checker.stop();
  });

  it("keeps its cadence when checks time out: the next run is due an interval after the last one started", async () => {
    const { timers, script, checker } = setUp();
    script.set(check(2).key, "hang");
    checker.setChecks([check(2)]);
    checker.start();
    await timers.advance(2_500);
    expect(script.callsOf(check(2).key)).toEqual([0, 1_000, 2_000]);
    await checker.stop();
  });

  it("starts new checks healthy, before any result", () => {
    const { checker } = setUp();
    checker.setChecks([check(2)]);
    expect(checker.unhealthy().size).toBe(0);
  });

  it("marks a refusing target unhealthy on its `fall`-th consecutive failure", async () => {
    const { timers, script, checker, changes } = setUp();
    checker.setChecks([check(2), check(3)]);
    checker.start();
    await timers.advance(500);
    script.set(check(3).key, "fail");
    await timers.advance(1_000); // failure 1 at 1000
    await timers.advance(1_000); // failure 2 at 2000
    expect(changes).toEqual([]);
    await timers.advance(1_000); // failure 3 at 3000
    expect(changes).toEqual([[check(3).key]]);
    expect(keysOf(checker)).toEqual([check(3).key]);
    await checker.stop();
  });

  it("marks a hung target down within fall × interval + timeout of its failure", async () => {
    const { timers, script, checker, changes } = setUp();
    checker.setChecks([check(2)]);
    checker.start();
    await timers.advance(1); // the first check (at 0) passed
    script.set(check(2).key, "hang"); // dies at 1 ms: the worst moment, just after a pass
    const bound = settings.fall * settings.intervalMs + settings.timeoutMs;
    await timers.advance(bound - 2);
    expect(changes).toEqual([]);
    await timers.advance(1);
    expect(changes).toEqual([[check(2).key]]);
    await checker.stop();
  });

  it("forgives failures that a pass interrupts", async () => {
    const { timers, script, checker, changes } = setUp();
    checker.setChecks([check(2)]);
    checker.start();
    await timers.advance(1);
    for (const mode of ["fail", "fail", "pass", "fail", "fail", "pass", "fail", "fail"] as const) {
      script.set(check(2).key, mode);
      await timers.advance(1_000);
    }
    expect(changes).toEqual([]);
    await checker.stop();
  });

  it("brings a target back after `rise` consecutive passes, and tells listeners only on changes", async () => {
    const { timers, script, checker, changes } = setUp();
    script.set(check(2).key, "fail");
    script.set(check(3).key, "fail");
    checker.setChecks([check(2), check(3), check(4)]);
    checker.start();
    await timers.advance(2_500); // three failures each: down one after the other
    expect(changes).toEqual([[check(2).key], [check(2).key, check(3).key]]);
    await timers.advance(3_000); // still failing: no news
    expect(changes).toHaveLength(2);
    script.set(check(3).key, "pass");
    await timers.advance(1_000); // one pass
    expect(changes).toHaveLength(2);
    await timers.advance(1_000); // second pass: rise = 2
    expect(changes).toEqual([[check(2).key], [check(2).key, check(3).key], [check(2).key]]);
    expect(keysOf(checker)).toEqual([check(2).key]);
    await checker.stop();
  });

  it("counts a probe that throws as a failure", async () => {
    const { timers, script, checker } = setUp({ fall: 1 });
    script.set(check(2).key, "throw");
    checker.setChecks([check(2)]);
    checker.start();
    await timers.advance(1);
    expect(keysOf(checker)).toEqual([check(2).key]);
    await checker.stop();
  });

  it("never runs more checks at once than its concurrency, and still runs them all", async () => {
    const { timers, script, checker } = setUp({ concurrency: 3 });
    const checks = [2, 3, 4, 5, 6, 7, 8, 9, 10, 11].map(check);
    for (const c of checks) script.set(c.key, "hang");
    checker.setChecks(checks);
    checker.start();
    await timers.advance(999);
    expect(script.maxActive()).toBe(3);
    expect(new Set(script.calls.map((c) => c.key)).size).toBe(10);
    await checker.stop();
  });

  it("keeps the state of checks it already has when given the checks again", async () => {
    const { timers, script, checker } = setUp({ fall: 1 });
    script.set(check(2).key, "fail");
    checker.setChecks([check(2)]);
    checker.start();
    await timers.advance(1);
    checker.setChecks([check(2), check(3)]);
    expect(keysOf(checker)).toEqual([check(2).key]);
    await timers.advance(1);
    expect(script.callsOf(check(2).key)).toEqual([0]); // not re-run early
    expect(script.callsOf(check(3).key)).toEqual([1]); // the new one runs at once
    await checker.stop();
  });

  it("stops probing dropped checks and forgets them without telling listeners", async () => {
    const { timers, script, checker, changes } = setUp({ fall: 1 });
    script.set(check(2).key, "fail");
    checker.setChecks([check(2), check(3)]);
    checker.start();
    await timers.advance(1);
    expect(changes).toEqual([[check(2).key]]);
    checker.setChecks([check(3)]);
    expect(keysOf(checker)).toEqual([]);
    await timers.advance(5_000);
    expect(script.callsOf(check(2).key)).toEqual([0]);
    expect(changes).toHaveLength(1);
    checker.setChecks([check(2), check(3)]);
    expect(keysOf(checker)).toEqual([]); // back as a new check: healthy until proven otherwise
    await checker.stop();
  });

  it("aborts running probes on stop, runs nothing after, and picks up again on start", async () => {
    const { timers, script, checker } = setUp();
    script.set(check(2).key, "hang");
    checker.setChecks([check(2), check(3)]);
    checker.start();
    await timers.advance(100);
    await checker.stop();
    await timers.advance(5_000);
    expect(script.calls).toHaveLength(2);
    checker.start();
    checker.start();
    await timers.advance(1);
    expect(script.callsOf(check(3).key)).toEqual([0, 5_100]);
    await checker.stop();
  });

  it("keeps telling other listeners when one throws, and lets a listener unsubscribe", async () => {
    const lines: string[] = [];
    const { timers, script, checker, changes } = setUp({ fall: 1, rise: 1 }, { lines });
    const unsubscribe = checker.onChange(() => {
      throw new Error("listener broke");
    });
    script.set(check(2).key, "fail");
    checker.setChecks([check(2)]);
    checker.start();
    await timers.advance(1);
    expect(changes).toHaveLength(1);
    expect(lines.some((line) => line.includes('"health.listener_failed"'))).toBe(true);
    unsubscribe();
    const logged = lines.length;
    script.set(check(2).key, "pass");
    await timers.advance(1_000);
    expect(changes).toHaveLength(2);
    expect(lines.slice(logged).some((line) => line.includes("listener_failed"))).toBe(false);
    await checker.stop();
  });

  it("logs each transition once, as a JSON line naming the check, its Nodes and the last failure", async () => {
    const lines: string[] = [];
    const { timers, script, checker } = setUp({ fall: 2, rise: 1 }, { lines });
    script.set(check(2).key, "fail");
    checker.setChecks([check(2)]);
    checker.start();
    await timers.advance(3_500);
    script.set(check(2).key, "pass");
    await timers.advance(1_000);
    const events = lines.map((line) => JSON.parse(line) as Record<string, unknown>).filter((e) => e.event === "health.down" || e.event === "health.up");
    expect(events).toMatchObject([
      { level: "warn", event: "health.down", check: check(2).key, nodes: ["node-2"], failures: 2, code: "CONNECT_FAILED", reason: "ECONNREFUSED" },
      { level: "info", event: "health.up", check: check(2).key, nodes: ["node-2"] },
    ]);
    await checker.stop();
  });

  it("counts checks, failures, latency and unhealthy targets in the registry it is given", async () => {
    const registry = new Registry();
    const { timers, script, checker } = setUp({ fall: 1 }, { registry });
    script.set(check(3).key, "hang");
    checker.setChecks([check(2), check(3)]);
    checker.start();
    await timers.advance(1_500);
    const text = await registry.metrics();
    expect(text).toContain('edge_ingress_health_checks_total{kind="tcp"} 4');
    expect(text).toContain('edge_ingress_health_check_failures_total{kind="tcp",code="timeout"} 2');
    expect(text).toContain('edge_ingress_health_check_duration_seconds_count{kind="tcp"} 4');
    expect(text).toContain('edge_ingress_health_check_duration_seconds_bucket{le="0.5",kind="tcp"} 4');
    expect(text).toContain('edge_ingress_health_check_duration_seconds_bucket{le="0.25",kind="tcp"} 2');
    expect(text).toContain("edge_ingress_health_checks 2");
    expect(text).toContain("edge_ingress_health_targets_unhealthy 1");
    await checker.stop();
  });

  it("keeps its verdict and goes on probing when logging a transition throws", async () => {
    const timers = createFakeTimers();
    const script = scriptedProbe(timers);
    const events: string[] = [];
    const checker = createHealthChecker({
      ...settings,
      fall: 1,
      timers,
      probe: script.probe,
      logger: {
        log(_level, event) {
          events.push(event);
          if (event === "health.down") throw new Error("log sink broke");
        },
        child() {
          return this;
        },
      },
    });
    script.set(check(2).key, "fail");
    checker.setChecks([check(2)]);
    checker.start();
    await timers.advance(2_500);
    expect(events).toContain("health.check_crashed");
    expect(keysOf(checker)).toEqual([check(2).key]);
    expect(script.callsOf(check(2).key)).toEqual([0, 1_000, 2_000]);
    await checker.stop();
  });

  it("refuses unusable options up front, listing every problem", () => {
    const attempt = () => createHealthChecker({ intervalMs: 1_000, timeoutMs: 2_000, rise: 0, fall: 1.5, concurrency: 0 });
    expect(attempt).toThrow(HealthCheckerOptionsError);
    try {
      attempt();
    } catch (error) {
      expect(error).toMatchObject({ code: "HEALTH_OPTIONS" });
      expect((error as HealthCheckerOptionsError).problems).toHaveLength(4);
    }
  });
});
