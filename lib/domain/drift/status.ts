/** How a drift metric compares with its thresholds, for badges and alerts. */
export type DriftStatus = "stable" | "warning" | "drift";

export interface DriftThresholds {
  warning: number;
  drift: number;
}

/**
 * The usual PSI reading: below 0.1 stable, from 0.1 (included) to 0.2 (excluded) a warning,
 * 0.2 and above drift.
 */
export const PSI_THRESHOLDS: Readonly<DriftThresholds> = Object.freeze({ warning: 0.1, drift: 0.2 });

/**
 * value < warning → "stable"; warning ≤ value < drift → "warning"; value ≥ drift → "drift".
 * Each threshold belongs to the worse side. Requires warning ≤ drift (equal means no warning band).
 */
export function driftStatus(value: number, thresholds: DriftThresholds = PSI_THRESHOLDS): DriftStatus {
  const { warning, drift } = thresholds;
  if (!(Number.isFinite(warning) && Number.isFinite(drift) && warning <= drift)) {
    throw new RangeError(`thresholds must be finite with warning ≤ drift, got warning ${warning} and drift ${drift}`);
  }
  if (Number.isNaN(value)) throw new RangeError("cannot classify a drift value of NaN");
  if (value >= drift) return "drift";
  if (value >= warning) return "warning";
  return "stable";
}

/**
 * Fewer predictions than this in a window are not judged. PSI between two samples of one
 * distribution is not 0 but about (bins − 1)·(1/N + 1/M) by sampling noise alone, so 50 images
 * against 10 bins already read as drift; 200 keeps noise below the warning line (see
 * binCountForNoise in features.ts).
 */
export const MIN_WINDOW_PREDICTIONS = 200;

/** count ≥ minimum (default MIN_WINDOW_PREDICTIONS): the window is large enough to judge. */
export function hasEnoughData(count: number, minimum: number = MIN_WINDOW_PREDICTIONS): boolean {
  return count >= minimum;
}
