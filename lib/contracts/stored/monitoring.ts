import { z } from "zod";
import { ALERT_SEVERITIES } from "@/lib/domain/drift/alerts";
import { FEATURE_NAMES, type FeatureReference, type ReferenceSet } from "@/lib/domain/drift/features";
import { DRIFT_METRICS } from "@/lib/domain/drift/metrics/catalogue";
import type { BootstrapPoint, FeatureDrift } from "@/lib/domain/drift/report";
import { WINDOW_STATUSES } from "@/lib/domain/drift/status";
import { recordOf } from "@/lib/domain/record-of";
import { isOneOf } from "@/lib/domain/states";
import { storedColumn } from "./parse";

/**
 * The JSON columns of monitoring as they are stored: Baseline.reference and .bootstrap,
 * DriftReport.features and AlertEvent.detail. Written from the drift core's types and parsed
 * through these on every read, so a row written by an older version reads as today's shape.
 */

export const featureReferenceSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("numeric"), edges: z.array(z.number()), counts: z.array(z.number()), missing: z.number() }),
  z.object({ kind: z.literal("categorical"), categories: z.array(z.string()), counts: z.array(z.number()) }),
]) satisfies z.ZodType<FeatureReference>;

/** One reference per monitored feature; a feature no longer monitored is dropped. */
const referenceSetSchema = z
  .record(z.string(), featureReferenceSchema)
  .transform((stored): ReferenceSet => Object.fromEntries(Object.entries(stored).filter(([name]) => isOneOf(FEATURE_NAMES, name)))) satisfies z.ZodType<ReferenceSet>;

export const baselineReferenceColumn = storedColumn("Baseline", "reference", referenceSetSchema);

/** Cosine thresholds by window size; null (a baseline without embeddings) reads as none. */
const bootstrapTableSchema = z
  .array(z.object({ windowSize: z.number(), threshold: z.number() }))
  .nullable()
  .transform((table) => table ?? []) satisfies z.ZodType<BootstrapPoint[]>;

export const baselineBootstrapColumn = storedColumn("Baseline", "bootstrap", bootstrapTableSchema);

/** A metric a report predates (added to the catalogue since) reads as not measured. */
const metricReadingsSchema = z.object(recordOf(DRIFT_METRICS, () => z.number().nullable().default(null)));

/** Reports written before the metric catalogue kept each reading in a field named after its metric (`psi`, `kl`). */
function readingsInOwnFields(stored: unknown): unknown {
  if (typeof stored !== "object" || stored === null || Array.isArray(stored) || "metrics" in stored) return stored;
  const fields = stored as Record<string, unknown>;
  return { ...fields, metrics: recordOf(DRIFT_METRICS, (metric) => fields[metric] ?? null) };
}

export const featureDriftSchema = z.preprocess(
  readingsInOwnFields,
  z.object({
    feature: z.string(),
    total: z.number(),
    missing: z.number(),
    counts: z.array(z.number()),
    metrics: metricReadingsSchema,
    status: z.enum(WINDOW_STATUSES),
    decidedBy: z.enum(DRIFT_METRICS).nullable(),
  }),
) satisfies z.ZodType<FeatureDrift>;

export const driftReportFeaturesColumn = storedColumn("DriftReport", "features", z.array(featureDriftSchema));

/**
 * An alert event's detail, by the event's kind: raised and escalated carry the crossing (feature,
 * metric, value, threshold, severity, reportId); recovered its reportId; reopened a reason;
 * snoozed `until`; assigned the assigneeId; sent_to_labeling the batch; any triage step a note.
 * Metric and feature stay plain strings: an old event must read even if its metric is retired.
 */
const alertEventDetailSchema = z
  .object({
    feature: z.string(),
    metric: z.string(),
    value: z.number(),
    threshold: z.number(),
    severity: z.enum(ALERT_SEVERITIES),
    reportId: z.string(),
    reason: z.string(),
    until: z.string(),
    assigneeId: z.string().nullable(),
    note: z.string(),
    batchId: z.string(),
    datasetId: z.string(),
    images: z.number(),
  })
  .partial()
  .nullable();
export type AlertEventDetail = NonNullable<z.infer<typeof alertEventDetailSchema>>;

export const alertEventDetailColumn = storedColumn("AlertEvent", "detail", alertEventDetailSchema);
