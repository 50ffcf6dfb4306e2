import { klDivergence, psi } from "./divergence";
import { comparisonCounts, EMBEDDING_FEATURE, MONITORED_FEATURES, type ReferenceSet, type WindowCounts } from "./features";
import { driftStatus, hasEnoughData, MIN_WINDOW_PREDICTIONS, PSI_THRESHOLDS, type DriftStatus, type DriftThresholds } from "./status";

export type DriftMetric = "psi" | "kl" | "cosine";
export const DRIFT_METRICS: readonly DriftMetric[] = ["psi", "kl", "cosine"];

/**
 * Defaults when an ML lead has set nothing. PSI: the usual 0.1 / 0.2. KL(window ‖ reference) is
 * about half the PSI for small shifts, so half PSI's thresholds. Cosine thresholds are multiples
 * of the baseline's bootstrap 95th percentile for the window's size (1× warns, 1.5× is drift),
 * because the distance chance alone gives depends on the model and the window size.
 */
export const DEFAULT_THRESHOLDS: Readonly<Record<DriftMetric, DriftThresholds>> = Object.freeze({
  psi: PSI_THRESHOLDS,
  kl: Object.freeze({ warning: 0.05, drift: 0.1 }),
  cosine: Object.freeze({ warning: 1, drift: 1.5 }),
});

export interface ThresholdSetting extends DriftThresholds {
  feature: string;
  metric: DriftMetric;
}

export function thresholdsFor(feature: string, metric: DriftMetric, settings: readonly ThresholdSetting[]): DriftThresholds {
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

export type WindowStatus = DriftStatus | "insufficient";

export interface FeatureDrift {
  feature: string;
  /** values counted in the window (images or boxes, by the feature's level) */
  total: number;
  missing: number;
  counts: number[];
  psi: number | null;
  kl: number | null;
  status: WindowStatus;
  /** the metric that decided the status (the worse of PSI and KL) */
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

const RANK: Record<WindowStatus, number> = { insufficient: -1, stable: 0, warning: 1, drift: 2 };
export function worseStatus(a: WindowStatus, b: WindowStatus): WindowStatus {
  return RANK[a] >= RANK[b] ? a : b;
}

/**
 * Judges one window against a baseline. A window with fewer than `minimumPredictions` images is
 * "insufficient" as a whole; a feature with no values in the window (no boxes at all) is
 * "insufficient" on its own. Each feature's status is the worse of its PSI and KL readings.
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
      features.push({ feature: name, total, missing: window.missing, counts: window.counts, psi: null, kl: null, status: "insufficient", decidedBy: null });
      continue;
    }
    const compared = comparisonCounts(reference, window.counts);
    const psiValue = psi(compared.reference, compared.window);
    const klValue = klDivergence(compared.window, compared.reference);
    const psiStatus = driftStatus(psiValue, thresholdsFor(name, "psi", input.thresholds));
    const klStatus = driftStatus(klValue, thresholdsFor(name, "kl", input.thresholds));
    const status = worseStatus(psiStatus, klStatus);
    features.push({ feature: name, total, missing: window.missing, counts: window.counts, psi: psiValue, kl: klValue, status, decidedBy: RANK[klStatus] > RANK[psiStatus] ? "kl" : "psi" });
  }
  let embedding: EmbeddingDrift | null = null;
  if (input.embedding && enough) {
    const factors = thresholdsFor(EMBEDDING_FEATURE, "cosine", input.thresholds);
    const warning = factors.warning * input.embedding.bootstrapThreshold;
    const drift = factors.drift * input.embedding.bootstrapThreshold;
    embedding = { ...input.embedding, warning, drift, status: driftStatus(input.embedding.distance, { warning, drift }) };
  }
  const status = enough ? [...features.map((f) => f.status), embedding?.status ?? "stable"].reduce<WindowStatus>(worseStatus, "stable") : "insufficient";
  return { predictionCount: input.predictionCount, status, features, embedding };
}

export type AlertSeverity = "warning" | "critical";

export interface AlertCandidate {
  feature: string;
  metric: DriftMetric;
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
    candidates.push({ feature: f.feature, metric, value: (metric === "kl" ? f.kl : f.psi)!, threshold: f.status === "drift" ? crossed.drift : crossed.warning, severity: f.status === "drift" ? "critical" : "warning" });
  }
  const e = evaluation.embedding;
  if (e && (e.status === "warning" || e.status === "drift")) {
    candidates.push({ feature: EMBEDDING_FEATURE, metric: "cosine", value: e.distance, threshold: e.status === "drift" ? e.drift : e.warning, severity: e.status === "drift" ? "critical" : "warning" });
  }
  return candidates;
}
