import { recordOf } from "../../record-of";
import { isOneOf } from "../../states";
import type { DriftThresholds } from "../status";
import { KL } from "./kl";
import type { DriftMetricDefinition } from "./metric";
import { PSI } from "./psi";

/**
 * The histogram drift metrics every monitored feature is judged on, in the order tables show
 * them. A new metric is its own file (a DriftMetricDefinition) and one entry here; reports,
 * thresholds, alerts, the dashboard and "How drift is computed" all follow from these.
 */
export const DRIFT_METRICS = ["psi", "kl"] as const;
export type DriftMetric = (typeof DRIFT_METRICS)[number];

export const DRIFT_METRIC_DEFINITIONS: Readonly<Record<DriftMetric, DriftMetricDefinition>> = { psi: PSI, kl: KL };

/** The metric that speaks for a feature where one number must: the series chart, the root cause's ranking, the slices. */
export const HEADLINE_DRIFT_METRIC: DriftMetric = "psi";

/** The embedding's metric: cosine distance of the window's mean from the baseline's mean. */
export const EMBEDDING_METRIC = "cosine";

/** Every metric with thresholds an ML lead can set and alerts can name: the histogram metrics and the embedding's. */
export const THRESHOLD_METRICS = [...DRIFT_METRICS, EMBEDDING_METRIC] as const;
export type ThresholdMetric = (typeof THRESHOLD_METRICS)[number];

/**
 * Defaults when an ML lead has set nothing: each histogram metric's own. Cosine thresholds are
 * multiples of the baseline's bootstrap 95th percentile for the window's size (1× warns, 1.5× is
 * drift), because the distance chance alone gives depends on the model and the window size.
 */
export const DEFAULT_THRESHOLDS: Readonly<Record<ThresholdMetric, Readonly<DriftThresholds>>> = Object.freeze({
  ...recordOf(DRIFT_METRICS, (metric) => DRIFT_METRIC_DEFINITIONS[metric].defaultThresholds),
  [EMBEDDING_METRIC]: Object.freeze({ warning: 1, drift: 1.5 }),
});

/** "PSI < 0.1 stable, 0.1–0.2 warning, ≥ 0.2 drift": a metric's defaults as "How drift is computed" states them. */
export function defaultThresholdsText(metric: DriftMetric): string {
  const { warning, drift } = DEFAULT_THRESHOLDS[metric];
  return `${DRIFT_METRIC_DEFINITIONS[metric].label} < ${warning} stable, ${warning}–${drift} warning, ≥ ${drift} drift`;
}

export function isDriftMetric(value: unknown): value is DriftMetric {
  return isOneOf(DRIFT_METRICS, value);
}

export function isThresholdMetric(value: unknown): value is ThresholdMetric {
  return isOneOf(THRESHOLD_METRICS, value);
}
