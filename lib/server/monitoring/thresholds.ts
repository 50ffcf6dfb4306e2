import type { ThresholdSetting } from "@/lib/domain/drift/report";
import { EMBEDDING_FEATURE, FEATURE_NAMES } from "@/lib/domain/drift/features";
import { EMBEDDING_METRIC, isThresholdMetric } from "@/lib/domain/drift/metrics/catalogue";
import { db as defaultDb, type Db } from "../platform/db";
import { DomainError } from "../platform/errors";

export class ThresholdError extends DomainError {
  readonly status = 400;
}

/** The thresholds ML leads have set (features and metrics without a row use DEFAULT_THRESHOLDS). */
export async function listThresholds(database: Db = defaultDb()): Promise<ThresholdSetting[]> {
  const rows = await database.driftThreshold.findMany({ orderBy: [{ feature: "asc" }, { metric: "asc" }] });
  // A row for a metric since retired from the catalogue no longer applies.
  return rows.flatMap((r) => (isThresholdMetric(r.metric) ? [{ feature: r.feature, metric: r.metric, warning: r.warning, drift: r.drift }] : []));
}

/** Sets (or, with `reset`, removes) one feature's thresholds for one metric. */
export async function setThreshold(setting: ThresholdSetting & { reset?: boolean }, actorId: string | null, database: Db = defaultDb()): Promise<ThresholdSetting[]> {
  const known = setting.feature === EMBEDDING_FEATURE ? setting.metric === EMBEDDING_METRIC : (FEATURE_NAMES as string[]).includes(setting.feature) && setting.metric !== EMBEDDING_METRIC;
  if (!known || !isThresholdMetric(setting.metric)) throw new ThresholdError(`no threshold "${setting.metric}" for feature "${setting.feature}"`);
  if (!(setting.warning > 0 && setting.drift >= setting.warning)) throw new ThresholdError("thresholds must be positive, with drift ≥ warning");
  const key = { feature_metric: { feature: setting.feature, metric: setting.metric } };
  if (setting.reset) await database.driftThreshold.deleteMany({ where: { feature: setting.feature, metric: setting.metric } });
  else await database.driftThreshold.upsert({ where: key, create: { feature: setting.feature, metric: setting.metric, warning: setting.warning, drift: setting.drift, updatedById: actorId }, update: { warning: setting.warning, drift: setting.drift, updatedById: actorId } });
  return listThresholds(database);
}
