import { saveAnnotationsSchema } from "@/lib/domain/annotation-schema";
import { recordIdSchema } from "@/lib/domain/record-id";
import { AnnotationConflictError, AnnotationNotFoundError, getAnnotations, InvalidAnnotationError, saveAnnotations } from "@/lib/server/annotations";

export const dynamic = "force-dynamic";

const MAX_BODY_BYTES = 2 * 1024 * 1024;

/** GET → { version, set }: the labels and the version an editor must send back when saving. */
export async function GET(_request: Request, { params }: { params: Promise<{ id: string }> }): Promise<Response> {
  const id = recordIdSchema.safeParse((await params).id);
  if (!id.success) return Response.json({ error: "unknown image" }, { status: 404 });
  try {
    return Response.json(await getAnnotations(id.data), { headers: { "Cache-Control": "no-store" } });
  } catch (error) {
    if (error instanceof AnnotationNotFoundError) return Response.json({ error: error.message }, { status: 404 });
    throw error;
  }
}

/** PUT { expectedVersion, boxes, labelStatus? } → 200 { version } | 409 { error, current } | 400 | 404 */
export async function PUT(request: Request, { params }: { params: Promise<{ id: string }> }): Promise<Response> {
  const id = recordIdSchema.safeParse((await params).id);
  if (!id.success) return Response.json({ error: "unknown image" }, { status: 404 });
  if (Number(request.headers.get("content-length") ?? 0) > MAX_BODY_BYTES) return Response.json({ error: "the request is too large" }, { status: 413 });
  const body = saveAnnotationsSchema.safeParse(await request.json().catch(() => null));
  if (!body.success) {
    const issue = body.error.issues[0]!;
    return Response.json({ error: `${issue.path.join(".") || "body"}: ${issue.message}` }, { status: 400 });
  }
  try {
    // A save that sets reviewed/needs-fix is a review decision, and the history says so.
    const review = body.data.labelStatus === "reviewed" || body.data.labelStatus === "needs_fix";
    return Response.json(await saveAnnotations(id.data, body.data, { action: review ? "review" : "edit" }));
  } catch (error) {
    if (error instanceof AnnotationConflictError) return Response.json({ error: error.message, current: error.current }, { status: 409 });
    if (error instanceof InvalidAnnotationError) return Response.json({ error: error.message }, { status: 400 });
    if (error instanceof AnnotationNotFoundError) return Response.json({ error: error.message }, { status: 404 });
    throw error;
  }
}
