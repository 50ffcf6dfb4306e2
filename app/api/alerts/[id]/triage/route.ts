import { triageSchema } from "@/lib/contracts/http/monitoring";
import { recordIdSchema } from "@/lib/domain/record-id";
import { audit } from "@/lib/server/auth/audit";
import { actorUserId, guarded } from "@/lib/server/auth/guard";
import { HttpError, readJson } from "@/lib/server/platform/http";
import { triageAlert } from "@/lib/server/monitoring/alerts";

export const dynamic = "force-dynamic";

/** POST { action: acknowledge | resolve | reopen | snooze | assign | note, … } → the alert after the step. */
export const POST = guarded<{ id: string }>("alerts.triage", async (request, { params, actor, ip }) => {
  const id = recordIdSchema.safeParse(params.id);
  if (!id.success) throw new HttpError(404, "unknown alert");
  const step = await readJson(request, triageSchema);
  const alert = await triageAlert(id.data, step, actorUserId(actor));
  await audit("alert.triaged", { actorId: actorUserId(actor), target: `alert ${id.data}`, detail: { action: step.action, status: alert.status }, ip });
  return Response.json(alert);
});
