/**
 * Fixed-edge histograms, shared by dataset statistics and (later) drift monitoring.
 * Bin i counts values in [edges[i], edges[i+1]); the last bin is closed on the right and
 * anything beyond the outer edges is clamped into the first or last bin (nothing is dropped).
 */
export interface Histogram {
  edges: number[];
  counts: number[];
}

export function histogram(values: Iterable<number>, edges: readonly number[]): Histogram {
  if (edges.length < 2 || edges.some((e, i) => i > 0 && e <= edges[i - 1]!)) {
    throw new Error("histogram edges must be at least two strictly increasing numbers");
  }
  const counts = new Array<number>(edges.length - 1).fill(0);
  for (const value of values) {
    if (Number.isNaN(value)) continue;
    counts[binIndex(value, edges)]!++;
  }
  return { edges: [...edges], counts };
}

/** Binary search for the bin of `value`. */
export function binIndex(value: number, edges: readonly number[]): number {
  const last = edges.length - 2;
  if (value < edges[1]!) return 0;
  if (value >= edges[last]!) return last;
  let lo = 1;
  let hi = last;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (value >= edges[mid]!) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** "16–32", "≥ 512": readable bin labels for charts. */
export function binLabels(edges: readonly number[], unit = ""): string[] {
  return edges.slice(0, -1).map((lo, i) => {
    const hi = edges[i + 1]!;
    if (!Number.isFinite(hi)) return `≥ ${lo}${unit}`;
    if (i === 0 && lo <= 0) return `< ${hi}${unit}`;
    return hi - lo === 1 ? `${lo}${unit}` : `${lo}–${hi}${unit}`;
  });
}
