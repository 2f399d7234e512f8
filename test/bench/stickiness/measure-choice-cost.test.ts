import { describe, expect, it } from "vitest";
import { measureChoiceCost } from "../../../bench/stickiness/measure-choice-cost.ts";

describe("measureChoiceCost", () => {
  it("asks the chooser once per client per pass and reports a time per choice for that many targets", () => {
    let calls = 0;
    const cost = measureChoiceCost(
      (targets) => {
        calls++;
        return targets[0]?.node ?? null;
      },
      ["a", "b", "c"],
      7,
    );
    expect(calls).toBe(6);
    expect(cost.targets).toBe(7);
    expect(cost.nanosecondsPerChoice).toBeGreaterThan(0);
  });
});
