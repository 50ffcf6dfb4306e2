import { audit } from "@/lib/server/auth/audit";
import { actorUserId, guarded } from "@/lib/server/auth/guard";
import { HttpError, readJson } from "@/lib/server/platform/http";
import { productionModel } from "@/lib/server/models/model-registry";
import { BaselineError, buildWindowBaseline } from "@/lib/server/monitoring/baselines";
import { windowSchema } from "@/lib/server/monitoring/requests";
import { epochMinute } from "@/lib/server/serving/prediction-log";

export const dynamic = "force-dynamic";

/** POST { from, to } → a new baseline for the production model from that production window (it replaces the active one). */
export const POST = guarded("thresholds.manage", async (request, { actor, ip }) => {
  const window = await readJson(request, windowSchema);
  const production = await productionModel();
  if (!production) throw new HttpError(409, "no model is in production");
  try {
    const baseline = await buildWindowBaseline({ modelVersionId: production.id, startMinute: epochMinute(window.from), endMinute: epochMinute(window.to) }, { actorId: actorUserId(actor) });
    await audit("baseline.created", { actorId: actorUserId(actor), target: `${production.name} v${production.version}`, detail: { baselineId: baseline.id, from: window.from.toISOString(), to: window.to.toISOString() }, ip });
    return Response.json({ id: baseline.id, predictionCount: baseline.predictionCount });
  } catch (error) {
    if (error instanceof BaselineError) throw new HttpError(422, error.message);
    throw error;
  }
});
