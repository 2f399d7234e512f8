/** Median, p90 and extremes of a set of samples (nearest rank: every figure is a sample that was measured). */
export interface SampleSummary {
  readonly count: number;
  readonly min: number;
  readonly median: number;
  readonly p90: number;
  readonly max: number;
}

export function summarizeSamples(samples: readonly number[]): SampleSummary {
  const sorted = [...samples].sort((left, right) => left - right);
  if (sorted.length === 0) return { count: 0, min: Number.NaN, median: Number.NaN, p90: Number.NaN, max: Number.NaN };
  const rank = (q: number): number => sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)] ?? Number.NaN;
  return { count: sorted.length, min: sorted[0] ?? Number.NaN, median: rank(0.5), p90: rank(0.9), max: sorted[sorted.length - 1] ?? Number.NaN };
}
