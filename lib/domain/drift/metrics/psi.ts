import { smoothedPair, type DivergenceOptions } from "../divergence";
import type { DriftMetricDefinition } from "./metric";

/**
 * Population stability index: PSI = Σ_i (ŵ_i − r̂_i) · (ln ŵ_i − ln r̂_i), with ŵ the window's and
 * r̂ the reference's smoothed proportions (see ../divergence.ts). Symmetric in its two arguments
 * (it equals KL(window ‖ reference) + KL(reference ‖ window)), and 0 exactly for identical
 * distributions.
 */
export function psi(referenceCounts: readonly number[], windowCounts: readonly number[], options: DivergenceOptions = {}): number {
  const [r, w] = smoothedPair(referenceCounts, windowCounts, options);
  let sum = 0;
  for (let i = 0; i < r.length; i++) sum += (w[i]! - r[i]!) * (Math.log(w[i]!) - Math.log(r[i]!));
  return sum;
}

/**
 * The usual PSI reading: below 0.1 stable, from 0.1 (included) to 0.2 (excluded) a warning,
 * 0.2 and above drift.
 */
export const PSI_THRESHOLDS = Object.freeze({ warning: 0.1, drift: 0.2 });

export const PSI: DriftMetricDefinition = {
  label: "PSI",
  measure: psi,
  defaultThresholds: PSI_THRESHOLDS,
  formula: "PSI = Σ (wᵢ − rᵢ) · ln(wᵢ / rᵢ)",
};
