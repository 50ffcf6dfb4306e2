import { recordIdSchema } from "@/lib/domain/record-id";
import { audit } from "@/lib/server/auth/audit";
import { actorUserId, guarded } from "@/lib/server/auth/guard";
import { HttpError, readJson } from "@/lib/server/platform/http";
import { AlertNotFoundError } from "@/lib/server/monitoring/alerts";
import { sendToLabelingSchema } from "@/lib/server/monitoring/requests";
import { LabelingBatchError, sendToLabeling } from "@/lib/server/monitoring/send-to-labeling";
import { blobStore } from "@/lib/server/platform/storage";

export const dynamic = "force-dynamic";

/** POST { datasetId, predictionIds } → { batchId, datasetId, added, skipped }: the images become unlabeled images of the dataset. */
export const POST = guarded<{ id: string }>("alerts.triage", async (request, { params, actor, ip }) => {
  const id = recordIdSchema.safeParse(params.id);
  if (!id.success) throw new HttpError(404, "unknown alert");
  const input = await readJson(request, sendToLabelingSchema);
  try {
    const result = await sendToLabeling(id.data, input, actorUserId(actor), { store: blobStore() });
    await audit("alert.sent_to_labeling", { actorId: actorUserId(actor), target: `alert ${id.data}`, detail: { ...result, skipped: result.skipped.length }, ip });
    return Response.json(result);
  } catch (error) {
    if (error instanceof AlertNotFoundError) throw new HttpError(404, error.message);
    if (error instanceof LabelingBatchError) throw new HttpError(422, error.message);
    throw error;
  }
});
