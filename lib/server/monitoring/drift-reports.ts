import { driftReportFeaturesColumn } from "@/lib/contracts/stored/monitoring";
import { toStoredJson } from "@/lib/contracts/stored/parse";
import { cosineDistance } from "@/lib/domain/drift/embedding";
import { alertCandidates, bootstrapThresholdFor, evaluateDrift, type DriftEvaluation } from "@/lib/domain/drift/report";
import { db as defaultDb, type Db } from "../platform/db";
import { epochMinute } from "../serving/prediction-log";
import { raiseAlerts } from "./alerts";
import { activeBaseline, monitoredModel, NothingMonitoredError, type BaselineView } from "./baselines";
import { listThresholds } from "./thresholds";
import { windowCounts, windowEmbeddingSum, type LogWindow } from "./window-counts";

export type ReportTrigger = "scheduled" | "on_demand";

export interface DriftReportResult {
  reportId: string;
  evaluation: DriftEvaluation;
  computeMs: number;
  alertsRaised: number;
}

/**
 * Drift of one window of the log against a baseline: per-feature counts aggregated in SQL, the
 * window's mean embedding streamed, judged with the current thresholds, stored as a DriftReport.
 * Scheduled reports raise (or update) alerts; on-demand ones (a reviewer exploring a window) do not.
 */
export async function computeDriftReport(baseline: BaselineView, window: Omit<LogWindow, "modelVersionId">, trigger: ReportTrigger, database: Db = defaultDb()): Promise<DriftReportResult> {
  const started = performance.now();
  const logWindow = { ...window, modelVersionId: baseline.modelVersionId };
  const thresholds = await listThresholds(database);
  const { predictionCount, counts } = await windowCounts(logWindow, baseline.references, database);
  let embedding: { distance: number; bootstrapThreshold: number } | null = null;
  if (baseline.embeddingMean && baseline.bootstrap.length) {
    const { sum, count } = await windowEmbeddingSum(logWindow, database);
    // Cosine distance ignores length, so the window's sum stands for its mean.
    if (count > 0 && sum.length === baseline.embeddingMean.length) embedding = { distance: cosineDistance(baseline.embeddingMean, sum), bootstrapThreshold: bootstrapThresholdFor(baseline.bootstrap, count, baseline.predictionCount) };
  }
  const evaluation = evaluateDrift({ references: baseline.references, window: counts, predictionCount, embedding, thresholds });
  const computeMs = performance.now() - started;
  const report = await database.driftReport.create({
    data: {
      baselineId: baseline.id,
      windowStart: new Date(window.startMinute * 60_000),
      windowEnd: new Date(window.endMinute * 60_000),
      trigger,
      predictionCount,
      features: toStoredJson(driftReportFeaturesColumn, evaluation.features),
      embeddingDistance: evaluation.embedding?.distance ?? null,
      embeddingThreshold: evaluation.embedding?.bootstrapThreshold ?? null,
      status: evaluation.status,
      computeMs,
    },
    select: { id: true },
  });
  const alertsRaised = trigger === "scheduled" ? await raiseAlerts(baseline.id, { id: report.id, windowStart: new Date(window.startMinute * 60_000), windowEnd: new Date(window.endMinute * 60_000) }, alertCandidates(evaluation, thresholds), evaluation, database) : 0;
  return { reportId: report.id, evaluation, computeMs, alertsRaised };
}

/** A report of the production model for a window a reviewer chose, against its active baseline; it raises no alerts. */
export async function onDemandDriftReport(window: { from: Date; to: Date }, database: Db = defaultDb()): Promise<DriftReportResult> {
  const model = await monitoredModel(database);
  const baseline = await activeBaseline(model.id, database);
  if (!baseline) throw new NothingMonitoredError("the production model has no baseline yet: the monitor builds one within a minute of a promotion");
  return computeDriftReport(baseline, { startMinute: epochMinute(window.from), endMinute: epochMinute(window.to) }, "on_demand", database);
}
