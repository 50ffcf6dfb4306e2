import { smoothedPair, type DivergenceOptions } from "../divergence";
import type { DriftMetricDefinition } from "./metric";

/**
 * Kullback–Leibler divergence of the window from the reference, KL(window ‖ reference) =
 * Σ_i ŵ_i · (ln ŵ_i − ln r̂_i) in nats, with smoothed proportions (see ../divergence.ts). Note the
 * argument order: the window first. Not symmetric; ≥ 0, and a result rounding below 0 is returned as 0.
 */
export function klDivergence(
  windowCounts: readonly number[],
  referenceCounts: readonly number[],
  options: DivergenceOptions = {},
): number {
  const [r, w] = smoothedPair(referenceCounts, windowCounts, options);
  let sum = 0;
  for (let i = 0; i < r.length; i++) sum += w[i]! * (Math.log(w[i]!) - Math.log(r[i]!));
  return Math.max(0, sum);
}

export const KL: DriftMetricDefinition = {
  label: "KL",
  measure: (referenceCounts, windowCounts) => klDivergence(windowCounts, referenceCounts),
  // KL(window ‖ reference) is about half the PSI for small shifts, so half PSI's thresholds.
  defaultThresholds: Object.freeze({ warning: 0.05, drift: 0.1 }),
  formula: "KL(window ‖ baseline) = Σ wᵢ · ln(wᵢ / rᵢ)",
};
