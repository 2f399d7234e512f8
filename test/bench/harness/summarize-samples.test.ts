import { describe, expect, it } from "vitest";
import { summarizeSamples } from "../../../bench/harness/summarize-samples.ts";

describe("summarizeSamples", () => {
  it("takes median and p90 by nearest rank, so each is a measured sample", () => {
    expect(summarizeSamples([10, 1, 9, 2, 8, 3, 7, 4, 6, 5])).toEqual({ count: 10, min: 1, median: 5, p90: 9, max: 10 });
    expect(summarizeSamples([3, 1, 2])).toEqual({ count: 3, min: 1, median: 2, p90: 3, max: 3 });
  });

  it("says NaN when there is nothing to summarise", () => {
    expect(summarizeSamples([]).median).toBeNaN();
  });
});
