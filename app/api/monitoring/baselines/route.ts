import { windowSchema } from "@/lib/contracts/http/monitoring";
import { audit } from "@/lib/server/auth/audit";
import { actorUserId, guarded } from "@/lib/server/auth/guard";
import { readJson } from "@/lib/server/platform/http";
import { buildProductionWindowBaseline } from "@/lib/server/monitoring/baselines";

export const dynamic = "force-dynamic";

/** POST { from, to } → a new baseline for the production model from that production window (it replaces the active one). */
export const POST = guarded("thresholds.manage", async (request, { actor, ip }) => {
  const window = await readJson(request, windowSchema);
  const { model, baseline } = await buildProductionWindowBaseline(window, { actorId: actorUserId(actor) });
  await audit("baseline.created", { actorId: actorUserId(actor), target: `${model.name} v${model.version}`, detail: { baselineId: baseline.id, from: window.from.toISOString(), to: window.to.toISOString() }, ip });
  return Response.json({ id: baseline.id, predictionCount: baseline.predictionCount });
});
