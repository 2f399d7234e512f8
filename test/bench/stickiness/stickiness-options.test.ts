import { describe, expect, it } from "vitest";
import { parseStickinessOptions } from "../../../bench/stickiness/stickiness-options.ts";

describe("parseStickinessOptions", () => {
  it("defaults to 100k clients over 3, 5, 10 and 30 targets", () => {
    expect(parseStickinessOptions([])).toEqual({ clients: 100_000, targetCounts: [3, 5, 10, 30], seed: 1 });
  });

  it("reads a list of target counts", () => {
    expect(parseStickinessOptions(["--targets", "2, 7"]).targetCounts).toEqual([2, 7]);
  });

  it("lists every bad option at once", () => {
    expect(() => parseStickinessOptions(["--clients", "5", "--targets", "1,x"])).toThrow(/--clients must be[\s\S]*--targets must be/);
  });
});
