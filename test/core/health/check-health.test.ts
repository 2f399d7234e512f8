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
    fc.assert(
      fc.property(fc.array(fc.boolean(), { maxLength: 60 }), fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 5 }), (results, rise, fall) => {
        // The specification, as written: consecutive successes ≥ rise → healthy; consecutive failures ≥ fall → unhealthy.
        let healthy = true;
        let successes = 0;
        let failures = 0;
        const expected = results.map((ok) => {
          successes = ok ? successes + 1 : 0;
          failures = ok ? 0 : failures + 1;
          if (successes >= rise) healthy = true;
          if (failures >= fall) healthy = false;
          return healthy;
        });
        expect(replay(results, { rise, fall })).toEqual(expected);
      }),
    );
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
