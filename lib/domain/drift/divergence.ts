/**
 * The smoothing every histogram drift metric (metrics/psi.ts, metrics/kl.ts) applies to a
 * reference and a window, both given as counts over the same bins (from `countBins` or
 * `categoryCounts`, or a SQL GROUP BY bin), never as raw values.
 *
 * Empty bins: counts c_1…c_k with total N become proportions p_i = c_i / N, each floored at ε,
 * q_i = max(p_i, ε), then renormalised, p̂_i = q_i / Σ_j q_j. The floor keeps ln finite when a bin
 * is empty on one side; renormalising keeps p̂ a distribution, so KL stays ≥ 0. Any proportion
 * below ε is raised to it, so ε is also the smallest share a bin can be said to have.
 * Both sides go through the same arithmetic, so identical distributions (even with different
 * totals: [1, 2] and [2, 4]) give exactly 0.
 */
export const DEFAULT_EPSILON = 1e-4;

export interface DivergenceOptions {
  /** Floor for proportions, 0 < ε < 1 (default 1e-4). */
  epsilon?: number;
}

/** p̂_i = max(c_i / N, ε) / Σ_j max(c_j / N, ε): the proportions every histogram metric compares. */
export function smoothedProportions(counts: readonly number[], epsilon: number = DEFAULT_EPSILON): number[] {
  assertEpsilon(epsilon);
  assertCounts(counts, "counts");
  return smooth(counts, epsilon);
}

/** Both sides' smoothed proportions, [reference, window], after checking they are comparable. */
export function smoothedPair(
  referenceCounts: readonly number[],
  windowCounts: readonly number[],
  options: DivergenceOptions,
): [number[], number[]] {
  const epsilon = options.epsilon ?? DEFAULT_EPSILON;
  assertEpsilon(epsilon);
  assertCounts(referenceCounts, "reference");
  assertCounts(windowCounts, "window");
  if (referenceCounts.length !== windowCounts.length) {
    throw new RangeError(
      `reference and window have ${referenceCounts.length} and ${windowCounts.length} bins: count both against the same edges`,
    );
  }
  return [smooth(referenceCounts, epsilon), smooth(windowCounts, epsilon)];
}

function smooth(counts: readonly number[], epsilon: number): number[] {
  const total = counts.reduce((sum, c) => sum + c, 0);
  const floored = counts.map((c) => Math.max(c / total, epsilon));
  const flooredTotal = floored.reduce((sum, q) => sum + q, 0);
  return floored.map((q) => q / flooredTotal);
}

function assertCounts(counts: readonly number[], name: string): void {
  if (counts.length === 0) throw new RangeError(`the ${name} has no bins`);
  const bad = counts.findIndex((c) => !(Number.isFinite(c) && c >= 0));
  if (bad >= 0) throw new RangeError(`${name} bin ${bad} has count ${counts[bad]}: counts must be finite and ≥ 0`);
  if (counts.every((c) => c === 0)) throw new RangeError(`the ${name} is empty: all its counts are 0`);
}

function assertEpsilon(epsilon: number): void {
  if (!(epsilon > 0 && epsilon < 1)) throw new RangeError(`epsilon must be between 0 and 1 (exclusive), got ${epsilon}`);
}
