import type { LoadResult } from "./parse-wrk-report.ts";

/**
 * The run with the median throughput (the lower middle for an even count), reported whole so that its
 * latencies belong to the same run as its requests/s.
 */
export function pickMedianRun(runs: readonly LoadResult[]): LoadResult {
  const sorted = [...runs].sort((left, right) => left.requestsPerSecond - right.requestsPerSecond);
  const median = sorted[Math.floor((sorted.length - 1) / 2)];
  if (median === undefined) throw new Error("no runs to pick from");
  return median;
}
