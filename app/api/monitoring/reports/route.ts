import { guarded } from "@/lib/server/auth/guard";
import { HttpError, readJson } from "@/lib/server/platform/http";
import { productionModel } from "@/lib/server/models/model-registry";
import { activeBaseline } from "@/lib/server/monitoring/baselines";
import { computeDriftReport } from "@/lib/server/monitoring/drift-reports";
import { windowSchema } from "@/lib/server/monitoring/requests";
import { epochMinute } from "@/lib/server/serving/prediction-log";

export const dynamic = "force-dynamic";

/** POST { from, to } → a drift report of the production model for that window, on demand (it raises no alerts). */
export const POST = guarded("alerts.triage", async (request) => {
  const window = await readJson(request, windowSchema);
  const production = await productionModel();
  if (!production) throw new HttpError(409, "no model is in production");
  const baseline = await activeBaseline(production.id);
  if (!baseline) throw new HttpError(409, "the production model has no baseline yet: the monitor builds one within a minute of a promotion");
  const result = await computeDriftReport(baseline, { startMinute: epochMinute(window.from), endMinute: epochMinute(window.to) }, "on_demand");
  return Response.json({ reportId: result.reportId, computeMs: result.computeMs, ...result.evaluation });
});
