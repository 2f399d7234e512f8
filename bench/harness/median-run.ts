/**
 * The item with the median value (the lower middle for an even count), returned whole so that, for a load
 * run, its latencies belong to the same run as its requests/s.
 */
export function pickMedian<T>(items: readonly T[], valueOf: (item: T) => number): T {
  const sorted = [...items].sort((left, right) => valueOf(left) - valueOf(right));
  const median = sorted[Math.floor((sorted.length - 1) / 2)];
  if (median === undefined) throw new Error("no runs to pick from");
  return median;
}
