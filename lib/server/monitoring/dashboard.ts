import { Prisma } from "@/generated/prisma/client";
import type { ThresholdRow } from "@/lib/contracts/http/monitoring";
import { driftReportFeaturesColumn } from "@/lib/contracts/stored/monitoring";
import { parseStored } from "@/lib/contracts/stored/parse";
import { thresholdsFor } from "@/lib/domain/drift/report";
import { EMBEDDING_FEATURE, MONITORED_FEATURES } from "@/lib/domain/drift/features";
import { DRIFT_METRICS, EMBEDDING_METRIC, THRESHOLD_METRICS } from "@/lib/domain/drift/metrics/catalogue";
import { recordOf } from "@/lib/domain/record-of";
import { db as defaultDb, type Db } from "../platform/db";
import { productionModel } from "../models/model-registry";
import { epochMinute } from "../serving/prediction-log";
import { alertCounts } from "./alerts";
import { activeBaseline } from "./baselines";
import { listThresholds } from "./thresholds";

/** Every feature × metric with the thresholds in force, marking the ones an ML lead changed. */
export async function effectiveThresholds(database: Db = defaultDb()): Promise<ThresholdRow[]> {
  const settings = await listThresholds(database);
  const rows: ThresholdRow[] = [];
  for (const feature of [...MONITORED_FEATURES.map((f) => f.name as string), EMBEDDING_FEATURE]) {
    for (const metric of THRESHOLD_METRICS) {
      if ((feature === EMBEDDING_FEATURE) !== (metric === EMBEDDING_METRIC)) continue;
      rows.push({ feature, metric, ...thresholdsFor(feature, metric, settings), custom: settings.some((s) => s.feature === feature && s.metric === metric) });
    }
  }
  return rows;
}

/**
 * Everything the drift dashboard shows for the production model over the last `hours`: its
 * baseline, the latest scheduled report, the series of reports, prediction volume and latency
 * per bucket (aggregated in SQL), thresholds and alert counts.
 */
export async function monitoringDashboard(options: { hours: number; now?: Date }, database: Db = defaultDb()) {
  const now = options.now ?? new Date();
  const production = await productionModel(database);
  const [thresholds, alerts] = await Promise.all([effectiveThresholds(database), alertCounts(database)]);
  if (!production) return { production: null, baseline: null, latest: null, series: [], volume: [], thresholds, alerts };
  const baseline = await activeBaseline(production.id, database);
  const since = new Date(now.getTime() - options.hours * 3_600_000);
  const reports = baseline
    ? await database.driftReport.findMany({ where: { baselineId: baseline.id, trigger: "scheduled", windowEnd: { gte: since } }, orderBy: { windowEnd: "asc" }, take: 2000 })
    : [];
  const latest = baseline ? await database.driftReport.findFirst({ where: { baselineId: baseline.id }, orderBy: { createdAt: "desc" } }) : null;
  const series = reports.map((r) => {
    const features = parseStored(driftReportFeaturesColumn, r.features, r.id);
    const metrics = recordOf(DRIFT_METRICS, (metric) => Object.fromEntries(features.map((f) => [f.feature, f.metrics[metric]])));
    return { at: r.windowEnd.toISOString(), predictionCount: r.predictionCount, cosine: r.embeddingDistance, cosineThreshold: r.embeddingThreshold, metrics };
  });
  const bucketMinutes = options.hours <= 6 ? 5 : options.hours <= 48 ? 60 : 360;
  const volume = await predictionVolume(production.id, epochMinute(since), epochMinute(now) + 1, bucketMinutes, database);
  return {
    production: { id: production.id, name: production.name, version: production.version },
    baseline: baseline && { id: baseline.id, source: baseline.source, split: baseline.split, predictionCount: baseline.predictionCount, createdAt: baseline.createdAt.toISOString(), windowStart: baseline.windowStart?.toISOString() ?? null, windowEnd: baseline.windowEnd?.toISOString() ?? null, references: baseline.references },
    latest: latest && { id: latest.id, trigger: latest.trigger, windowStart: latest.windowStart.toISOString(), windowEnd: latest.windowEnd.toISOString(), predictionCount: latest.predictionCount, status: latest.status, features: parseStored(driftReportFeaturesColumn, latest.features, latest.id), embeddingDistance: latest.embeddingDistance, embeddingThreshold: latest.embeddingThreshold, computeMs: latest.computeMs, createdAt: latest.createdAt.toISOString() },
    series,
    volume,
    bucketMinutes,
    thresholds,
    alerts,
  };
}

export type MonitoringDashboard = Awaited<ReturnType<typeof monitoringDashboard>>;

/** Predictions, mean and max latency per bucket of whole minutes (integer division: the same SQL on SQLite and PostgreSQL). */
export async function predictionVolume(modelVersionId: string, startMinute: number, endMinute: number, bucketMinutes: number, database: Db = defaultDb()) {
  // A literal, not a bound parameter: SQLite binds JS numbers as REAL, and "minute" / 60.0 does not bucket.
  const bucket = Prisma.raw(String(Math.max(1, Math.trunc(bucketMinutes))));
  const rows = await database.$queryRaw<Array<{ bucket: bigint | number; n: bigint | number; meanLatency: number; maxLatency: number }>>`
    SELECT "minute" / ${bucket} AS bucket, COUNT(*) AS n, AVG("latencyMs") AS "meanLatency", MAX("latencyMs") AS "maxLatency"
    FROM "Prediction" WHERE "modelVersionId" = ${modelVersionId} AND "minute" >= ${startMinute} AND "minute" < ${endMinute}
    GROUP BY "minute" / ${bucket} ORDER BY bucket`;
  return rows.map((r) => ({ at: new Date(Number(r.bucket) * bucketMinutes * 60_000).toISOString(), predictions: Number(r.n), meanLatencyMs: Number(r.meanLatency), maxLatencyMs: Number(r.maxLatency) }));
}
