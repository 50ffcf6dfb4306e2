/**
 * Percentiles of measured samples (latencies) by the **nearest-rank** method: the p-th percentile
 * of n values is the ⌈p/100 · n⌉-th smallest, so it is always one of the measured values (never an
 * interpolation between two runs), and p95 of fewer than 20 runs is the slowest run. p = 0 gives
 * the minimum. The same definition as `npm run bench`'s rows (workers/bench/bench-row.ts).
 */
export function percentile(values: readonly number[], p: number): number {
  if (!(p >= 0 && p <= 100)) throw new RangeError(`percentile ${p} is outside 0..100`);
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

/** Arithmetic mean; NaN for no values. */
export function mean(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  let sum = 0;
  for (const value of values) sum += value;
  return sum / values.length;
}
