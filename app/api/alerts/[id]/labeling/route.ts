import { sendToLabelingSchema } from "@/lib/contracts/http/monitoring";
import { recordIdSchema } from "@/lib/domain/record-id";
import { audit } from "@/lib/server/auth/audit";
import { actorUserId, guarded } from "@/lib/server/auth/guard";
import { HttpError, readJson } from "@/lib/server/platform/http";
import { sendToLabeling } from "@/lib/server/monitoring/send-to-labeling";
import { blobStore } from "@/lib/server/platform/storage";

export const dynamic = "force-dynamic";

/** POST { datasetId, predictionIds } → { batchId, datasetId, added, skipped }: the images become unlabeled images of the dataset. */
export const POST = guarded<{ id: string }>("alerts.triage", async (request, { params, actor, ip }) => {
  const id = recordIdSchema.safeParse(params.id);
  if (!id.success) throw new HttpError(404, "unknown alert");
  const input = await readJson(request, sendToLabelingSchema);
  const result = await sendToLabeling(id.data, input, actorUserId(actor), { store: blobStore() });
  await audit("alert.sent_to_labeling", { actorId: actorUserId(actor), target: `alert ${id.data}`, detail: { ...result, skipped: result.skipped.length }, ip });
  return Response.json(result);
});
