import { recordIdSchema } from "@/lib/domain/record-id";
import { audit } from "@/lib/server/auth/audit";
import { actorUserId, guarded } from "@/lib/server/auth/guard";
import { HttpError, readJson } from "@/lib/server/platform/http";
import { AlertNotFoundError, AlertTransitionError, triageAlert } from "@/lib/server/monitoring/alerts";
import { triageSchema } from "@/lib/server/monitoring/requests";

export const dynamic = "force-dynamic";

/** POST { action: acknowledge | resolve | reopen | snooze | assign | note, … } → the alert after the step. */
export const POST = guarded<{ id: string }>("alerts.triage", async (request, { params, actor, ip }) => {
  const id = recordIdSchema.safeParse(params.id);
  if (!id.success) throw new HttpError(404, "unknown alert");
  const step = await readJson(request, triageSchema);
  try {
    const alert = await triageAlert(id.data, step, actorUserId(actor));
    await audit("alert.triaged", { actorId: actorUserId(actor), target: `alert ${id.data}`, detail: { action: step.action, status: alert.status }, ip });
    return Response.json(alert);
  } catch (error) {
    if (error instanceof AlertNotFoundError) throw new HttpError(404, error.message);
    if (error instanceof AlertTransitionError) throw new HttpError(409, error.message);
    throw error;
  }
});
