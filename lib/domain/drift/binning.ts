import { binIndex as regularBinIndex } from "../histogram";

/**
 * Fixed bins for one numeric feature (brightness, blur, box count, top score…). The edges are
 * chosen once, from the reference sample, and then every window is counted against the same
 * edges, so a window's drift is computable from per-bin counts (a SQL GROUP BY bin) alone.
 *
 * Layout of a counts array for k edges e_0 < e_1 < … < e_{k-1} (length k + 1):
 *   counts[0]        underflow: value < e_0
 *   counts[i]        regular bin i, 1 ≤ i ≤ k − 2: e_{i-1} ≤ value < e_i
 *   counts[k − 1]    last regular bin, closed: e_{k-2} ≤ value ≤ e_{k-1} (holds the reference max)
 *   counts[k]        overflow: value > e_{k-1}
 * Values outside the reference range get their own bins (instead of being clamped into the outer
 * ones) so that a shift beyond what the reference ever saw shows up as mass in an empty bin.
 *
 * The one exception to strictly increasing edges is a constant reference: edges [c, c] give one
 * regular bin that is the point c, between underflow (< c) and overflow (> c).
 *
 * Non-finite values (NaN, ±Infinity: a statistic that could not be measured) are not binned:
 * they are counted apart as `missing`, so a rising missing rate can be watched on its own and
 * never distorts the binned distribution.
 */
export interface ReferenceBins {
  edges: number[];
}

export type BinningMethod = "quantile" | "uniform";

export interface ReferenceBinsOptions {
  /** Number of regular bins asked for (default 10); quantile ties can give fewer. */
  bins?: number;
  /** "quantile" (default): equal-count bins; "uniform": equal-width bins from min to max. */
  method?: BinningMethod;
}

export interface BinCounts {
  /** Length edges.length + 1: [underflow, regular bins…, overflow]. */
  counts: number[];
  /** Non-finite values, not part of `counts`. */
  missing: number;
}

export const DEFAULT_BIN_COUNT = 10;

/**
 * Edges fixed from the finite values of a reference sample (non-finite values are skipped, as
 * `countBins` counts them as missing). With B bins, the n finite values sorted ascending as
 * s_0 ≤ … ≤ s_{n-1}, min = s_0 and max = s_{n-1}:
 * - quantile: e_0 = min, e_B = max, and interior edge e_j = s_{⌈j·n/B⌉} (0-based; capped at
 *   s_{n-1}) for 0 < j < B: the first value of the j-th equal-count chunk, so with distinct values
 *   each bin holds n/B of them exactly when B divides n. Equal edges (ties) are merged, so
 *   a heavily tied feature gets fewer than B bins rather than empty, zero-width ones.
 * - uniform: e_j = min + j·(max − min)/B for 0 ≤ j ≤ B, with e_B set to max exactly.
 * If min = max, both methods return [min, min] (see the layout note above).
 */
export function referenceBins(values: readonly number[], options: ReferenceBinsOptions = {}): ReferenceBins {
  const bins = options.bins ?? DEFAULT_BIN_COUNT;
  const method = options.method ?? "quantile";
  if (!Number.isInteger(bins) || bins < 1) {
    throw new RangeError(`bins must be a positive integer, got ${bins}`);
  }
  const sorted = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (sorted.length === 0) {
    throw new RangeError("the reference has no finite values to bin");
  }
  const n = sorted.length;
  const min = sorted[0]!;
  const max = sorted[n - 1]!;
  if (min === max) return { edges: [min, min] };

  const raw: number[] = [min];
  for (let j = 1; j < bins; j++) {
    raw.push(method === "quantile" ? sorted[Math.min(n - 1, Math.ceil((j * n) / bins))]! : min + (j * (max - min)) / bins);
  }
  raw.push(max);
  const edges = raw.filter((edge, i) => i === 0 || edge > raw[i - 1]!);
  return { edges };
}

/**
 * Position of `value` in the counts layout above (histogram.binIndex plus out-of-range bins): 0 underflow, 1…k−1 regular, k overflow
 * (k = edges.length). Throws for a non-finite value (those are missing, not binned).
 */
export function driftBinIndex(edges: readonly number[], value: number): number {
  assertEdges(edges);
  if (!Number.isFinite(value)) throw new RangeError(`cannot bin the non-finite value ${value}`);
  return binIndexUnchecked(edges, value);
}

/** Counts `values` into the layout above; the edges are validated once, not per value. */
export function countBins(edges: readonly number[], values: Iterable<number>): BinCounts {
  assertEdges(edges);
  const counts = new Array<number>(edges.length + 1).fill(0);
  let missing = 0;
  for (const value of values) {
    if (Number.isFinite(value)) counts[binIndexUnchecked(edges, value)]!++;
    else missing++;
  }
  return { counts, missing };
}

function binIndexUnchecked(edges: readonly number[], value: number): number {
  if (value < edges[0]!) return 0;
  if (value > edges[edges.length - 1]!) return edges.length;
  // Inside [e_0, e_{k-1}] the shared histogram rule applies: half-open bins, the last one closed.
  return 1 + regularBinIndex(value, edges);
}

function assertEdges(edges: readonly number[]): void {
  const constant = edges.length === 2 && edges[0] === edges[1];
  const increasing = edges.length >= 2 && edges.every((e, i) => i === 0 || e > edges[i - 1]!);
  if (!edges.every((e) => Number.isFinite(e)) || !(constant || increasing)) {
    throw new RangeError(
      "bin edges must be at least two finite, strictly increasing numbers (or [c, c] for a constant reference)",
    );
  }
}
