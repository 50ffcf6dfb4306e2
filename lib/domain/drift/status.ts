/** How a drift metric compares with its thresholds, for badges and alerts, from calm to worst. */
export const DRIFT_STATUSES = ["stable", "warning", "drift"] as const;
export type DriftStatus = (typeof DRIFT_STATUSES)[number];

/** A window's (or a feature's) status: a drift status, or "insufficient" when too little was seen to judge. Ordered from least to most worrying. */
export const WINDOW_STATUSES = ["insufficient", ...DRIFT_STATUSES] as const;
export type WindowStatus = (typeof WINDOW_STATUSES)[number];

export function worseStatus(a: WindowStatus, b: WindowStatus): WindowStatus {
  return WINDOW_STATUSES.indexOf(a) >= WINDOW_STATUSES.indexOf(b) ? a : b;
}

export interface DriftThresholds {
  warning: number;
  drift: number;
}

/**
 * value < warning → "stable"; warning ≤ value < drift → "warning"; value ≥ drift → "drift".
 * Each threshold belongs to the worse side. Requires warning ≤ drift (equal means no warning band).
 */
export function driftStatus(value: number, thresholds: DriftThresholds): DriftStatus {
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
