/**
 * Shapes of the JSON the API returns: imported by the server that produces them and by the
 * client hooks that read them, so both sides agree at compile time. Types only, no code.
 */
import type { FeatureReference } from "./domain/drift/features";
import type { FeatureDrift } from "./domain/drift/report";
import type { EvaluationReport } from "./domain/evaluation/report";
import type { EvaluationInput } from "./domain/evaluation/types";

export interface DatasetSummary {
  id: string;
  name: string;
  description: string;
  classes: string[];
  createdAt: string;
  imageCount: number;
  boxCount: number;
  /** boxes per class, in the dataset's class order (classes with no boxes show 0) */
  boxesPerClass: Record<string, number>;
  imagesPerSplit: Record<string, number>;
  imagesPerLabelStatus: Record<string, number>;
}

export interface WorkerView {
  id: string;
  kind: string;
  hostname: string;
  pid: number;
  status: string;
  startedAt: string;
  lastHeartbeatAt: string;
  alive: boolean;
}

export interface HealthReport {
  /** ok: database up and a training worker alive; degraded: no live worker; down: no database */
  status: "ok" | "degraded" | "down";
  database: { ok: boolean; latencyMs: number; error?: string };
  workers: { alive: number; list: WorkerView[] };
  checkedAt: string;
}

export interface ImageListItem {
  id: string;
  fileName: string;
  width: number;
  height: number;
  split: string;
  labelStatus: string;
  boxCount: number;
}

export interface ImagePage {
  items: ImageListItem[];
  /** pass back as `after` for the next page; null on the last page */
  nextCursor: string | null;
}

export interface ApiError {
  error: string;
}

export interface ChartBin {
  label: string;
  count: number;
}

export interface DatasetStatistics {
  classes: string[];
  /** one row per split present: split name, image count, and box counts per class */
  splits: Array<{ split: string; images: number; boxesPerClass: Record<string, number> }>;
  boxesPerImage: ChartBin[];
  /** box size as sqrt(area) in pixels, with COCO's small/medium/large cut-offs at 32 and 96 */
  boxSizes: ChartBin[];
  cocoAreaRanges: { small: number; medium: number; large: number };
  imageWidths: ChartBin[];
  imageHeights: ChartBin[];
  issues: Array<{ code: string; severity: string; count: number }>;
}

/** A training preset's settings as the New training job form starts from them (per detector family). */
export interface TrainingPresetValues {
  width: "n" | "s";
  backbone: "face-mobilenet-v1" | "scratch";
  freezeBackbone: boolean;
  frozenEpochs: number;
  inputSize: number;
  epochs: number;
  batchSize: number;
  learningRate: number;
  flip: boolean;
  augment: { scale: number; translate: number; brightness: number; contrast: number; saturation: number };
  mosaic: number;
  cachedAugmentations: number;
}
export type PresetDefaults = Record<"one_stage" | "two_stage", Record<"quick-cpu" | "full-gpu", TrainingPresetValues>>;

/** GET /api/evaluations/:id — a stored evaluation and what it scored (null for older evaluations). */
export interface EvaluationView {
  id: string;
  /** the model version scored; null for a cross-validation label audit (a model per fold) */
  model: { id: string; name: string; version: number; kind: string; stage: string } | null;
  /** what made the predictions, for headings and review comments: "NAME vN" or "4-fold cross-validation (one_stage)" */
  source: string;
  /** the cross-validation job of a label audit */
  jobId: string | null;
  dataset: { id: string; name: string };
  split: string;
  imageCount: number;
  createdAt: string;
  /** the confidence of the stored "at operating threshold" figures (serving's score threshold) */
  operatingConfidence: number;
  /** how the detections were post-processed before scoring */
  postprocess: unknown;
  metrics: Omit<EvaluationReport, "perClass">;
  perClass: EvaluationReport["perClass"];
  /** null for evaluations stored before snapshots, and when asked without (?snapshot=0) */
  snapshot: EvaluationInput | null;
}

/** POST /api/evaluations/:id/review */
export interface SendToReviewResult {
  sent: string[];
  skipped: Array<{ imageId: string; reason: string }>;
}

// ── Monitoring ──────────────────────────────────────────────────────────────────────────────

export type WindowStatusView = "stable" | "warning" | "drift" | "insufficient";

/** The drift core's own shapes: the JSON carries them unchanged. */
export type FeatureReferenceView = FeatureReference;
export type FeatureDriftView = FeatureDrift;

export interface ThresholdRowView {
  feature: string;
  metric: "psi" | "kl" | "cosine";
  warning: number;
  drift: number;
  custom: boolean;
}

export interface MonitoringDashboardView {
  production: { id: string; name: string; version: number } | null;
  baseline: { id: string; source: string; split: string | null; predictionCount: number; createdAt: string; windowStart: string | null; windowEnd: string | null; references: Record<string, FeatureReferenceView> } | null;
  latest: { id: string; trigger: string; windowStart: string; windowEnd: string; predictionCount: number; status: WindowStatusView; features: FeatureDriftView[]; embeddingDistance: number | null; embeddingThreshold: number | null; computeMs: number; createdAt: string } | null;
  series: Array<{ at: string; predictionCount: number; cosine: number | null; cosineThreshold: number | null; psi: Record<string, number | null>; kl: Record<string, number | null> }>;
  volume: Array<{ at: string; predictions: number; meanLatencyMs: number; maxLatencyMs: number }>;
  bucketMinutes?: number;
  thresholds: ThresholdRowView[];
  alerts: Record<"open" | "acknowledged" | "snoozed" | "resolved", number>;
}

export interface AlertRowView {
  id: string;
  feature: string;
  metric: string;
  severity: "warning" | "critical";
  status: "open" | "acknowledged" | "snoozed" | "resolved";
  value: number;
  peakValue: number;
  threshold: number;
  windowStart: string;
  windowEnd: string;
  snoozedUntil: string | null;
  createdAt: string;
  updatedAt: string;
  resolvedAt: string | null;
  assignee: { id: string; name: string } | null;
  baseline: { modelVersion: { id: string; name: string; version: number } };
}

export interface RootCauseImageView {
  predictionId: string;
  createdAt: string;
  source: string | null;
  maxScore: number | null;
  boxCount: number;
  distance: number | null;
  imageKept: boolean;
}

export interface AlertDetailView {
  alert: AlertRowView & {
    events: Array<{ id: string; at: string; kind: string; detail: Record<string, unknown> | null; actor: { id: string; name: string } | null }>;
    labelingBatches: Array<{ id: string; createdAt: string; dataset: { id: string; name: string }; _count: { items: number } }>;
  };
  rootCause: {
    window: { start: string; end: string; predictionCount: number; sampled: number };
    features: FeatureDriftView[];
    embedding: { distance: number | null; threshold: number | null };
    references: Record<string, FeatureReferenceView>;
    farthest: RootCauseImageView[];
    lowestConfidence: RootCauseImageView[];
    sampledMetric: number | null;
    slices: Array<{ dimension: string; value: string; count: number; share: number; metricWithout: number | null; explained: number | null }>;
  };
}
