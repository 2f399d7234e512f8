import { describe, expect, it } from "vitest";
import { measureSpread } from "../../../bench/stickiness/measure-spread.ts";

const even = [
  { node: "a", weight: 1 },
  { node: "b", weight: 1 },
];

describe("measureSpread", () => {
  it("is 1 when load falls evenly", () => {
    expect(measureSpread(even, ["a", "b", "a", "b"])).toEqual({ maxOverMin: 1, worstDeviation: 0 });
  });

  it("divides load by weight before comparing targets", () => {
    const weighted = [
      { node: "a", weight: 1 },
      { node: "b", weight: 3 },
    ];
    expect(measureSpread(weighted, ["a", "b", "b", "b"]).maxOverMin).toBe(1);
  });

  it("reports the largest over the smallest share and the worst deviation from the expected share", () => {
    expect(measureSpread(even, ["a", "a", "a", "b"])).toEqual({ maxOverMin: 3, worstDeviation: 0.5 });
  });

  it("is infinite when a target receives nothing", () => {
    expect(measureSpread(even, ["a", "a"]).maxOverMin).toBe(Infinity);
  });
});
