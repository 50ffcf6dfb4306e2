import { z } from "zod";
import { ALERT_SEVERITIES, ALERT_STATUSES } from "@/lib/domain/drift/alerts";
import { DRIFT_METRICS, THRESHOLD_METRICS } from "@/lib/domain/drift/metrics/catalogue";
import type { DriftEvaluation } from "@/lib/domain/drift/report";
import { SLICE_DIMENSIONS, type SliceExplanation } from "@/lib/domain/drift/slices";
import { DRIFT_STATUSES, WINDOW_STATUSES } from "@/lib/domain/drift/status";
import { recordIdSchema } from "@/lib/domain/record-id";
import { featureDriftSchema, featureReferenceSchema } from "../stored/monitoring";
import { loggedDetectionSchema } from "../stored/serving";
import { timestampSchema } from "./json";

// ── Requests ─────────────────────────────────────────────────────────────────────────────────

const when = z.coerce.date().refine((d) => !Number.isNaN(d.getTime()), "not a date");

/** POST /api/monitoring/reports and /api/monitoring/baselines: a window of production traffic. */
export const windowSchema = z
  .object({ from: when, to: when })
  .refine((w) => w.to > w.from, "the window must end after it starts")
  .refine((w) => w.to.getTime() - w.from.getTime() <= 366 * 86_400_000, "a window is at most a year");

/** PUT /api/monitoring/thresholds */
export const thresholdSchema = z.object({
  feature: z.string().min(1).max(40),
  metric: z.enum(THRESHOLD_METRICS),
  warning: z.number().finite().positive(),
  drift: z.number().finite().positive(),
  reset: z.boolean().optional(),
});

/** POST /api/alerts/:id/triage: one step of an alert's triage. */
export const triageSchema = z.discriminatedUnion("action", [
  z.object({ action: z.literal("acknowledge") }),
  z.object({ action: z.literal("resolve"), note: z.string().max(2000).optional() }),
  z.object({ action: z.literal("reopen") }),
  z.object({ action: z.literal("snooze"), until: when }),
  z.object({ action: z.literal("assign"), assigneeId: recordIdSchema.nullable() }),
  z.object({ action: z.literal("note"), note: z.string().trim().min(1).max(2000) }),
]);
/** A triage step as the client sends it (a snooze's end as an ISO timestamp). */
export type TriageStep = z.input<typeof triageSchema>;
/** A triage step as the server reads it (a snooze's end as a Date). */
export type TriageAction = z.output<typeof triageSchema>;

/** POST /api/alerts/:id/labeling */
export const sendToLabelingSchema = z.object({
  datasetId: recordIdSchema,
  predictionIds: z.array(recordIdSchema).min(1).max(500),
});

/** GET /api/alerts?status&severity&feature&assigneeId */
export const alertFilterSchema = z.object({
  status: z.enum([...ALERT_STATUSES, "unresolved"]).optional(),
  severity: z.enum(ALERT_SEVERITIES).optional(),
  feature: z.string().max(40).optional(),
  assigneeId: recordIdSchema.optional(),
});

// ── Answers ──────────────────────────────────────────────────────────────────────────────────

const modelRefSchema = z.object({ id: z.string(), name: z.string(), version: z.number().int() });
const referencesSchema = z.record(z.string(), featureReferenceSchema);

/** A feature × metric with the thresholds in force; custom when an ML lead changed them. */
export const thresholdRowSchema = z.object({
  feature: z.string(),
  metric: z.enum(THRESHOLD_METRICS),
  warning: z.number(),
  drift: z.number(),
  custom: z.boolean(),
});
export type ThresholdRow = z.infer<typeof thresholdRowSchema>;

/** GET and PUT /api/monitoring/thresholds */
export const thresholdRowListSchema = z.array(thresholdRowSchema);

/** GET /api/monitoring?hours=24: the drift dashboard of the production model. */
export const monitoringDashboardSchema = z.object({
  production: modelRefSchema.nullable(),
  baseline: z
    .object({
      id: z.string(),
      source: z.string(),
      split: z.string().nullable(),
      predictionCount: z.number().int(),
      createdAt: timestampSchema,
      windowStart: timestampSchema.nullable(),
      windowEnd: timestampSchema.nullable(),
      references: referencesSchema,
    })
    .nullable(),
  latest: z
    .object({
      id: z.string(),
      trigger: z.string(),
      windowStart: timestampSchema,
      windowEnd: timestampSchema,
      predictionCount: z.number().int(),
      status: z.enum(WINDOW_STATUSES),
      features: z.array(featureDriftSchema),
      embeddingDistance: z.number().nullable(),
      embeddingThreshold: z.number().nullable(),
      computeMs: z.number(),
      createdAt: timestampSchema,
    })
    .nullable(),
  /** per report: the embedding's distance, and each metric's reading per feature */
  series: z.array(
    z.object({
      at: timestampSchema,
      predictionCount: z.number().int(),
      cosine: z.number().nullable(),
      cosineThreshold: z.number().nullable(),
      metrics: z.record(z.enum(DRIFT_METRICS), z.record(z.string(), z.number().nullable())),
    }),
  ),
  volume: z.array(z.object({ at: timestampSchema, predictions: z.number().int(), meanLatencyMs: z.number(), maxLatencyMs: z.number() })),
  /** the width of a volume bucket; absent while no model is in production */
  bucketMinutes: z.number().int().optional(),
  thresholds: thresholdRowListSchema,
  alerts: z.record(z.enum(ALERT_STATUSES), z.number().int()),
});
export type MonitoringDashboardView = z.infer<typeof monitoringDashboardSchema>;

/** POST /api/monitoring/reports: the window judged against the baseline, on demand (it raises no alerts). */
export const driftReportAnswerSchema = z.object({
  reportId: z.string(),
  computeMs: z.number(),
  predictionCount: z.number().int(),
  status: z.enum(WINDOW_STATUSES),
  features: z.array(featureDriftSchema),
  embedding: z
    .object({ distance: z.number(), bootstrapThreshold: z.number(), warning: z.number(), drift: z.number(), status: z.enum(DRIFT_STATUSES) })
    .nullable(),
}) satisfies z.ZodType<DriftEvaluation & { reportId: string; computeMs: number }>;

/** POST /api/monitoring/baselines: the new baseline (it replaces the active one). */
export const baselineCreatedSchema = z.object({ id: z.string(), predictionCount: z.number().int() });

export const alertRowSchema = z.object({
  id: z.string(),
  feature: z.string(),
  metric: z.string(),
  severity: z.enum(ALERT_SEVERITIES),
  status: z.enum(ALERT_STATUSES),
  value: z.number(),
  peakValue: z.number(),
  threshold: z.number(),
  windowStart: timestampSchema,
  windowEnd: timestampSchema,
  snoozedUntil: timestampSchema.nullable(),
  createdAt: timestampSchema,
  updatedAt: timestampSchema,
  resolvedAt: timestampSchema.nullable(),
  assignee: z.object({ id: z.string(), name: z.string() }).nullable(),
  baseline: z.object({ modelVersion: modelRefSchema }),
});
export type AlertRowView = z.infer<typeof alertRowSchema>;

/** GET /api/alerts, newest first. */
export const alertListSchema = z.array(alertRowSchema);

/** An alert with its timeline: POST /api/alerts/:id/triage answers it after the step. */
export const alertWithTimelineSchema = alertRowSchema.extend({
  events: z.array(
    z.object({
      id: z.string(),
      at: timestampSchema,
      kind: z.string(),
      detail: z.record(z.string(), z.unknown()).nullable(),
      actor: z.object({ id: z.string(), name: z.string() }).nullable(),
    }),
  ),
  labelingBatches: z.array(z.object({ id: z.string(), createdAt: timestampSchema, dataset: z.object({ id: z.string(), name: z.string() }), _count: z.object({ items: z.number().int() }) })),
});

export const rootCauseImageSchema = z.object({
  predictionId: z.string(),
  createdAt: timestampSchema,
  source: z.string().nullable(),
  maxScore: z.number().nullable(),
  boxCount: z.number().int(),
  distance: z.number().nullable(),
  imageKept: z.boolean(),
  width: z.number().int(),
  height: z.number().int(),
  detections: z.array(loggedDetectionSchema),
});
export type RootCauseImageView = z.infer<typeof rootCauseImageSchema>;

const sliceExplanationSchema = z.object({
  dimension: z.enum(SLICE_DIMENSIONS),
  value: z.string(),
  count: z.number().int(),
  share: z.number(),
  metricWithout: z.number().nullable(),
  explained: z.number().nullable(),
}) satisfies z.ZodType<SliceExplanation>;

/** GET /api/alerts/:id: the alert, its timeline, and what moved and where to look. */
export const alertDetailSchema = z.object({
  alert: alertWithTimelineSchema,
  rootCause: z.object({
    window: z.object({ start: timestampSchema, end: timestampSchema, predictionCount: z.number().int(), sampled: z.number().int() }),
    /** the last report's features, most moved first */
    features: z.array(featureDriftSchema),
    embedding: z.object({ distance: z.number().nullable(), threshold: z.number().nullable() }),
    references: referencesSchema,
    farthest: z.array(rootCauseImageSchema),
    lowestConfidence: z.array(rootCauseImageSchema),
    sampledMetric: z.number().nullable(),
    slices: z.array(sliceExplanationSchema),
  }),
});
export type AlertDetailView = z.infer<typeof alertDetailSchema>;

/** POST /api/alerts/:id/labeling: the images became unlabeled images of the dataset. */
export const labelingBatchResultSchema = z.object({
  batchId: z.string(),
  datasetId: z.string(),
  added: z.number().int(),
  /** predictions that could not become images, with why (no kept image, already in the dataset) */
  skipped: z.array(z.object({ predictionId: z.string(), reason: z.string() })),
});
export type LabelingBatchResult = z.infer<typeof labelingBatchResultSchema>;
