import { saveAnnotationsSchema } from "@/lib/domain/annotation-schema";
import { can } from "@/lib/domain/permissions";
import { recordIdSchema } from "@/lib/domain/record-id";
import { AnnotationConflictError, AnnotationNotFoundError, getAnnotations, InvalidAnnotationError, saveAnnotations } from "@/lib/server/annotations";
import { actorUserId, guarded } from "@/lib/server/auth/guard";
import { HttpError, readJson } from "@/lib/server/http";

export const dynamic = "force-dynamic";

const MAX_BODY_BYTES = 2 * 1024 * 1024;

/** GET → { version, set }: the labels and the version an editor must send back when saving. */
export const GET = guarded<{ id: string }>("data.view", async (_request, { params }) => {
  const id = recordIdSchema.safeParse(params.id);
  if (!id.success) throw new HttpError(404, "unknown image");
  try {
    return Response.json(await getAnnotations(id.data), { headers: { "Cache-Control": "no-store" } });
  } catch (error) {
    if (error instanceof AnnotationNotFoundError) throw new HttpError(404, error.message);
    throw error;
  }
});

/** PUT { expectedVersion, boxes, labelStatus?, prelabel? } → 200 { version } | 409 { error, current } | 400 | 403 | 404 (prelabel: the model's boxes, the image stays unlabeled) */
export const PUT = guarded<{ id: string }>("labels.edit", async (request, { params, actor }) => {
  const id = recordIdSchema.safeParse(params.id);
  if (!id.success) throw new HttpError(404, "unknown image");
  const body = await readJson(request, saveAnnotationsSchema, MAX_BODY_BYTES);
  // A save that sets reviewed/needs-fix is a review decision: reviewers only, and the history says so.
  const review = body.labelStatus === "reviewed" || body.labelStatus === "needs_fix";
  if (review && (actor.kind !== "user" || !can(actor.user.role, "labels.review"))) {
    throw new HttpError(403, "only reviewers may mark labels reviewed or needing a fix");
  }
  try {
    const input = body.prelabel ? { ...body, labelStatus: "unlabeled" as const } : body;
    return Response.json(await saveAnnotations(id.data, input, { action: review ? "review" : body.prelabel ? "prelabel" : "edit", authorId: actorUserId(actor) }));
  } catch (error) {
    if (error instanceof AnnotationConflictError) throw new HttpError(409, error.message, { current: error.current });
    if (error instanceof InvalidAnnotationError) throw new HttpError(400, error.message);
    if (error instanceof AnnotationNotFoundError) throw new HttpError(404, error.message);
    throw error;
  }
});
