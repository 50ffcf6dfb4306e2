import { recordOf } from "../record-of";
import type { AlertSeverity } from "./alerts";
import { comparisonCounts, EMBEDDING_FEATURE, MONITORED_FEATURES, type ReferenceSet, type WindowCounts } from "./features";
import { DEFAULT_THRESHOLDS, DRIFT_METRIC_DEFINITIONS, DRIFT_METRICS, EMBEDDING_METRIC, type DriftMetric, type ThresholdMetric } from "./metrics/catalogue";
import { driftStatus, hasEnoughData, MIN_WINDOW_PREDICTIONS, WINDOW_STATUSES, worseStatus, type DriftStatus, type DriftThresholds, type WindowStatus } from "./status";

export interface ThresholdSetting extends DriftThresholds {
  feature: string;
  metric: ThresholdMetric;
}

export function thresholdsFor(feature: string, metric: ThresholdMetric, settings: readonly ThresholdSetting[]): DriftThresholds {
  const set = settings.find((s) => s.feature === feature && s.metric === metric);
  return set ? { warning: set.warning, drift: set.drift } : DEFAULT_THRESHOLDS[metric];
}

/** One row of the bootstrap table a baseline stores: the 95th-percentile distance for windows of this size. */
export interface BootstrapPoint {
  windowSize: number;
  threshold: number;
}

/** Window sizes the baseline bootstraps; a window is judged from the largest size not above its own. */
export const BOOTSTRAP_WINDOW_SIZES = [50, 100, 200, 500, 1000, 2000, 5000] as const;

/**
 * The 95th-percentile distance chance alone gives for a window of `windowSize` predictions
 * against a baseline of `referenceSize`. The bootstrap draws windows from the reference, so its
 * distances measure the window's sampling noise only; the baseline's own mean is noisy too.
 * For small deviations cosine distance ≈ ‖δ⊥‖² / 2‖m‖², a variance, so it scales as 1/M for a
 * window of M, and the difference of two independent means as 1/M + 1/N. Hence, from the
 * tabulated size W nearest below M: threshold = t(W) · W · (1/M + 1/N). Without the 1/N term a
 * window of a million predictions would be held to a bar far below the baseline's own noise.
 */
export function bootstrapThresholdFor(table: readonly BootstrapPoint[], windowSize: number, referenceSize = Number.POSITIVE_INFINITY): number {
  if (table.length === 0) throw new RangeError("the bootstrap table is empty");
  if (!(windowSize > 0)) throw new RangeError(`windowSize must be positive, got ${windowSize}`);
  const sorted = [...table].sort((a, b) => a.windowSize - b.windowSize);
  let chosen = sorted[0]!;
  for (const point of sorted) if (point.windowSize <= windowSize) chosen = point;
  return chosen.threshold * chosen.windowSize * (1 / windowSize + 1 / referenceSize);
}

/** Each histogram metric's reading of one feature; all null when the feature was not judged. */
export type MetricReadings = Record<DriftMetric, number | null>;

export interface FeatureDrift {
  feature: string;
  /** values counted in the window (images or boxes, by the feature's level) */
  total: number;
  missing: number;
  counts: number[];
  metrics: MetricReadings;
  status: WindowStatus;
  /** the metric that decided the status: the worst reading, the catalogue's first on a tie */
  decidedBy: DriftMetric | null;
}

export interface EmbeddingDrift {
  distance: number;
  /** bootstrap 95th percentile for the window's size */
  bootstrapThreshold: number;
  warning: number;
  drift: number;
  status: DriftStatus;
}

export interface DriftEvaluation {
  predictionCount: number;
  status: WindowStatus;
  features: FeatureDrift[];
  embedding: EmbeddingDrift | null;
}

/**
 * Judges one window against a baseline. A window with fewer than `minimumPredictions` images is
 * "insufficient" as a whole; a feature with no values in the window (no boxes at all) is
 * "insufficient" on its own. Each feature's status is the worst of its metrics' readings.
 */
export function evaluateDrift(input: {
  references: ReferenceSet;
  window: WindowCounts;
  predictionCount: number;
  embedding: { distance: number; bootstrapThreshold: number } | null;
  thresholds: readonly ThresholdSetting[];
  minimumPredictions?: number;
}): DriftEvaluation {
  const enough = hasEnoughData(input.predictionCount, input.minimumPredictions ?? MIN_WINDOW_PREDICTIONS);
  const features: FeatureDrift[] = [];
  for (const { name } of MONITORED_FEATURES) {
    const reference = input.references[name];
    const window = input.window[name];
    if (!reference || !window) continue;
    const total = window.counts.reduce((a, b) => a + b, 0);
    if (!enough || total === 0) {
      features.push({ feature: name, total, missing: window.missing, counts: window.counts, metrics: recordOf(DRIFT_METRICS, () => null), status: "insufficient", decidedBy: null });
      continue;
    }
    const compared = comparisonCounts(reference, window.counts);
    const metrics = recordOf(DRIFT_METRICS, (metric) => DRIFT_METRIC_DEFINITIONS[metric].measure(compared.reference, compared.window));
    let status: WindowStatus = "stable";
    let decidedBy: DriftMetric = DRIFT_METRICS[0];
    for (const metric of DRIFT_METRICS) {
      const reading = driftStatus(metrics[metric], thresholdsFor(name, metric, input.thresholds));
      if (WINDOW_STATUSES.indexOf(reading) > WINDOW_STATUSES.indexOf(status)) [status, decidedBy] = [reading, metric];
    }
    features.push({ feature: name, total, missing: window.missing, counts: window.counts, metrics, status, decidedBy });
  }
  let embedding: EmbeddingDrift | null = null;
  if (input.embedding && enough) {
    const factors = thresholdsFor(EMBEDDING_FEATURE, EMBEDDING_METRIC, input.thresholds);
    const warning = factors.warning * input.embedding.bootstrapThreshold;
    const drift = factors.drift * input.embedding.bootstrapThreshold;
    embedding = { ...input.embedding, warning, drift, status: driftStatus(input.embedding.distance, { warning, drift }) };
  }
  const status = enough ? [...features.map((f) => f.status), embedding?.status ?? "stable"].reduce<WindowStatus>(worseStatus, "stable") : "insufficient";
  return { predictionCount: input.predictionCount, status, features, embedding };
}

const SEVERITY_OF: Record<Exclude<DriftStatus, "stable">, AlertSeverity> = { warning: "warning", drift: "critical" };

export interface AlertCandidate {
  feature: string;
  metric: ThresholdMetric;
  value: number;
  threshold: number;
  severity: AlertSeverity;
}

/** What a window should alert on: each feature (and the embedding) at warning or drift, with the metric and threshold it crossed. */
export function alertCandidates(evaluation: DriftEvaluation, thresholds: readonly ThresholdSetting[]): AlertCandidate[] {
  const candidates: AlertCandidate[] = [];
  for (const f of evaluation.features) {
    if ((f.status !== "warning" && f.status !== "drift") || !f.decidedBy) continue;
    const metric = f.decidedBy;
    const crossed = thresholdsFor(f.feature, metric, thresholds);
    candidates.push({ feature: f.feature, metric, value: f.metrics[metric]!, threshold: crossed[f.status], severity: SEVERITY_OF[f.status] });
  }
  const e = evaluation.embedding;
  if (e && (e.status === "warning" || e.status === "drift")) {
    candidates.push({ feature: EMBEDDING_FEATURE, metric: EMBEDDING_METRIC, value: e.distance, threshold: e[e.status], severity: SEVERITY_OF[e.status] });
  }
  return candidates;
}
