import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type CheckHealth, listUnhealthy, NEW_CHECK_HEALTH, recordCheckResult, sameKeys, type Thresholds } from "../../../core/health/check-health.ts";

function replay(results: readonly boolean[], thresholds: Thresholds, from: CheckHealth = NEW_CHECK_HEALTH): boolean[] {
  const verdicts: boolean[] = [];
  let health = from;
  for (const ok of results) {
    health = recordCheckResult(health, ok, thresholds);
    verdicts.push(health.healthy);
  }
  return verdicts;
}

const F = false;
const T = true;

describe("recordCheckResult", () => {
  it("starts a new check healthy", () => {
    expect(NEW_CHECK_HEALTH.healthy).toBe(true);
  });

  it("turns unhealthy only after `fall` consecutive failures", () => {
    expect(replay([F, F, F], { rise: 2, fall: 3 })).toEqual([T, T, F]);
  });

  it("forgives failures that a success interrupts", () => {
    expect(replay([F, F, T, F, F, T, F, F], { rise: 2, fall: 3 })).toEqual([T, T, T, T, T, T, T, T]);
  });

  it("turns healthy again only after `rise` consecutive successes", () => {
    expect(replay([F, T, F, T, T], { rise: 2, fall: 1 })).toEqual([F, F, F, F, T]);
  });

  it("reacts to the first contrary result when rise and fall are 1", () => {
    expect(replay([F, T, F, F, T], { rise: 1, fall: 1 })).toEqual([F, T, F, F, T]);
  });

  it("returns the same object when nothing changes, so callers can compare cheaply", () => {
    expect(recordCheckResult(NEW_CHECK_HEALTH, true, { rise: 2, fall: 2 })).toBe(NEW_CHECK_HEALTH);
  });

  it("agrees with counting consecutive successes and failures, for any results and thresholds", () => {
    // Results come as runs (fast-check's default size keeps a plain boolean array to about ten items, where a run of
    // five failures is rare), and the property counts that checks really went down and came back with thresholds
    // above 2, so it cannot pass without reaching those cases.
    const runs = fc.array(fc.tuple(fc.boolean(), fc.integer({ min: 1, max: 7 })), { minLength: 1, maxLength: 12 });
    const reached = { down: 0, up: 0 };
    fc.assert(
      fc.property(runs, fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 5 }), (pattern, rise, fall) => {
        const results = pattern.flatMap(([ok, count]) => Array.from({ length: count }, () => ok));
        // The specification, as written: consecutive successes ≥ rise → healthy; consecutive failures ≥ fall → unhealthy.
        let healthy = true;
        let successes = 0;
        let failures = 0;
        const expected = results.map((ok) => {
          successes = ok ? successes + 1 : 0;
          failures = ok ? 0 : failures + 1;
          if (successes >= rise && !healthy && rise > 2) reached.up += 1;
          if (failures >= fall && healthy && fall > 2) reached.down += 1;
          if (successes >= rise) healthy = true;
          if (failures >= fall) healthy = false;
          return healthy;
        });
        expect(replay(results, { rise, fall })).toEqual(expected);
      }),
      { numRuns: 300, seed: 20_261_202 },
    );
    expect(reached.down > 0 && reached.up > 0, JSON.stringify(reached)).toBe(true);
  });
});

describe("listUnhealthy", () => {
  it("lists the keys whose checks are unhealthy", () => {
    const state = new Map<string, CheckHealth>([
      ["tcp://127.0.0.2:30080", { healthy: false, streak: 1 }],
      ["tcp://127.0.0.3:30080", { healthy: true, streak: 2 }],
      ["tcp://127.0.0.4:30080", { healthy: false, streak: 0 }],
    ]);
    expect([...listUnhealthy(state)].sort()).toEqual(["tcp://127.0.0.2:30080", "tcp://127.0.0.4:30080"]);
  });
});

describe("sameKeys", () => {
  it("compares sets by their keys, not by order or identity", () => {
    expect(sameKeys(new Set(["a", "b"]), new Set(["b", "a"]))).toBe(true);
    expect(sameKeys(new Set(["a", "b"]), new Set(["a", "c"]))).toBe(false);
    expect(sameKeys(new Set(["a"]), new Set(["a", "b"]))).toBe(false);
  });
});
