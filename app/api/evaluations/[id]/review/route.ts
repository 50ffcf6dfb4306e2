import { sendToReviewSchema } from "@/lib/contracts/http/evaluation";
import { recordIdSchema } from "@/lib/domain/record-id";
import { actorUserId, guarded } from "@/lib/server/auth/guard";
import { sendLabelIssuesToReview } from "@/lib/server/evaluation/evaluation-views";
import { HttpError, readJson } from "@/lib/server/platform/http";
import { blobStore } from "@/lib/server/platform/storage";

export const dynamic = "force-dynamic";

/** POST { imageIds, minScore? } → { sent, skipped }: flagged images go to the review queue with the finder's reasons. */
export const POST = guarded<{ id: string }>("labels.review", async (request, { params, actor }) => {
  const id = recordIdSchema.safeParse(params.id);
  if (!id.success) throw new HttpError(404, "unknown evaluation");
  const input = await readJson(request, sendToReviewSchema, 64 * 1024);
  return Response.json(await sendLabelIssuesToReview(id.data, input, { store: blobStore(), actorId: actorUserId(actor) }));
});
