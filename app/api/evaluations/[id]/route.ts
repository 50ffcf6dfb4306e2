import { recordIdSchema } from "@/lib/domain/record-id";
import { guarded } from "@/lib/server/auth/guard";
import { EvaluationNotFoundError, evaluationView } from "@/lib/server/evaluation-views";
import { HttpError } from "@/lib/server/http";
import { blobStore } from "@/lib/server/storage";

export const dynamic = "force-dynamic";

/** GET → EvaluationView: the stored figures and the labels and detections they were computed from. */
export const GET = guarded<{ id: string }>("data.view", async (_request, { params }) => {
  const id = recordIdSchema.safeParse(params.id);
  if (!id.success) throw new HttpError(404, "unknown evaluation");
  try {
    // Immutable once written: the browser may keep it.
    return Response.json(await evaluationView(id.data, { store: blobStore() }), { headers: { "Cache-Control": "private, max-age=3600" } });
  } catch (error) {
    if (error instanceof EvaluationNotFoundError) throw new HttpError(404, error.message);
    throw error;
  }
});
