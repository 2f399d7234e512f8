import { describe, expect, it } from "vitest";
import { isDown, isForgettable, recordFailure } from "../../../core/balance/target-health.ts";

const policy = { coolDownMs: 10_000, maxCoolDownMs: 40_000 };

describe("target health", () => {
  it("marks a target down for the cool-down after a failure, then up again", () => {
    const health = recordFailure(undefined, 1_000, 5, policy);
    expect(isDown(health, 1_000, 5)).toBe(true);
    expect(isDown(health, 10_999, 5)).toBe(true);
    expect(isDown(health, 11_000, 5)).toBe(false);
  });

  it("doubles the cool-down with consecutive failures, up to the cap", () => {
    let health = recordFailure(undefined, 0, 1, policy);
    expect(health.downUntil).toBe(10_000);
    health = recordFailure(health, 10_000, 1, policy);
    expect(health.downUntil).toBe(30_000);
    health = recordFailure(health, 30_000, 1, policy);
    expect(health.downUntil).toBe(70_000);
    health = recordFailure(health, 70_000, 1, policy);
    expect(health.downUntil).toBe(110_000);
  });

  it("brings a target back as soon as a newer table is in force", () => {
    const health = recordFailure(undefined, 0, 5, policy);
    expect(isDown(health, 1, 6)).toBe(false);
    expect(isForgettable(health, 1, 6, policy)).toBe(true);
  });

  it("remembers a cooled-down failure until the longest cool-down has passed", () => {
    const health = recordFailure(undefined, 0, 5, policy);
    expect(isForgettable(health, 20_000, 5, policy)).toBe(false);
    expect(isForgettable(health, 50_000, 5, policy)).toBe(true);
  });

  it("treats an unknown target as up", () => {
    expect(isDown(undefined, 0, 0)).toBe(false);
  });
});
