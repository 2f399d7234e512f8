import { describe, expect, it } from "vitest";
import { pickMedian } from "../../../bench/harness/median-run.ts";
import type { LoadResult } from "../../../bench/harness/parse-wrk-report.ts";

function run(requestsPerSecond: number, p99: number): LoadResult {
  return {
    requests: requestsPerSecond,
    durationSeconds: 1,
    requestsPerSecond,
    latencyMs: { p50: 1, p90: 2, p99, max: 10 },
    errors: { connect: 0, read: 0, write: 0, status: 0, timeout: 0 },
  };
}

const byThroughput = (result: LoadResult): number => result.requestsPerSecond;

describe("pickMedian", () => {
  it("picks the run with the middle throughput, with that run's own latencies", () => {
    expect(pickMedian([run(300, 3), run(100, 1), run(200, 2)], byThroughput)).toEqual(run(200, 2));
  });

  it("picks the lower middle of an even number of runs", () => {
    expect(pickMedian([run(400, 4), run(100, 1), run(300, 3), run(200, 2)], byThroughput).requestsPerSecond).toBe(200);
  });

  it("refuses an empty list", () => {
    expect(() => pickMedian([], byThroughput)).toThrow(/no runs/);
  });
});
