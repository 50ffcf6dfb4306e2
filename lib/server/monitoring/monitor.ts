import { db as defaultDb, type Db } from "../platform/db";
import { productionModel } from "../models/model-registry";
import { epochMinute } from "../serving/prediction-log";
import type { ModelServer } from "../serving/model-server";
import type { BlobStore } from "../platform/storage";
import { activeBaseline, BaselineError, buildSplitBaseline } from "./baselines";
import { computeDriftReport, type DriftReportResult } from "./drift-reports";

export interface MonitorSettings {
  /** the rolling window each scheduled report judges (default 60: hourly) */
  windowMinutes: number;
  /** how long logged predictions (and their kept images) are kept (default 30 days) */
  retentionDays: number;
}

/** Settings from the environment: MONITOR_WINDOW_MINUTES, PREDICTION_RETENTION_DAYS. */
export function monitorSettings(env: NodeJS.ProcessEnv = process.env): MonitorSettings {
  const positive = (name: string, fallback: number) => {
    const raw = env[name];
    if (raw === undefined || raw === "") return fallback;
    const value = Number(raw);
    if (!(Number.isFinite(value) && value > 0)) throw new Error(`${name} must be a positive number, got "${raw}"`);
    return value;
  };
  return { windowMinutes: Math.round(positive("MONITOR_WINDOW_MINUTES", 60)), retentionDays: positive("PREDICTION_RETENTION_DAYS", 30) };
}

export interface TickResult {
  modelVersionId: string | null;
  baselineBuilt: boolean;
  report: DriftReportResult | null;
  deletedPredictions: number;
  message?: string;
}

/**
 * One round of the monitor: the production model gets a baseline if it has none (built from its
 * validation and test images), its rolling window is judged against it (raising alerts), and
 * predictions past the retention period are deleted with the images nothing else refers to.
 */
export async function monitorTick(deps: { server: ModelServer; store: BlobStore; db?: Db }, settings: MonitorSettings, now = new Date()): Promise<TickResult> {
  const database = deps.db ?? defaultDb();
  const deletedPredictions = await applyRetention(settings.retentionDays, now, deps.store, database);
  const production = await productionModel(database);
  if (!production) return { modelVersionId: null, baselineBuilt: false, report: null, deletedPredictions, message: "no model in production" };
  let baseline = await activeBaseline(production.id, database);
  let baselineBuilt = false;
  if (!baseline) {
    try {
      baseline = await buildSplitBaseline(production.id, { ...deps, db: database });
      baselineBuilt = true;
    } catch (error) {
      if (error instanceof BaselineError) return { modelVersionId: production.id, baselineBuilt: false, report: null, deletedPredictions, message: error.message };
      throw error;
    }
  }
  const endMinute = epochMinute(now) + 1;
  const report = await computeDriftReport(baseline, { startMinute: endMinute - settings.windowMinutes, endMinute }, "scheduled", database);
  return { modelVersionId: production.id, baselineBuilt, report, deletedPredictions };
}

async function applyRetention(retentionDays: number, now: Date, store: BlobStore, database: Db): Promise<number> {
  const before = new Date(now.getTime() - retentionDays * 86_400_000);
  const kept = await database.prediction.findMany({ where: { createdAt: { lt: before }, imageKey: { not: null } }, select: { imageKey: true }, distinct: ["imageKey"] });
  const { count } = await database.prediction.deleteMany({ where: { createdAt: { lt: before } } });
  for (const { imageKey } of kept) {
    // Content-addressed: the blob may also be a dataset image (sent to labeling) or a newer prediction's.
    const stillUsed = (await database.image.count({ where: { contentHash: imageKey! } })) + (await database.prediction.count({ where: { imageKey } }));
    if (stillUsed === 0) await store.delete(imageKey!);
  }
  return count;
}
