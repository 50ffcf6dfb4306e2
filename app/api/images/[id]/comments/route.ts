import { recordIdSchema } from "@/lib/domain/record-id";
import { addComment, commentInputSchema, CommentTargetError, listComments } from "@/lib/server/review-comments";

export const dynamic = "force-dynamic";

/** GET → the image's review comments, newest first. */
export async function GET(_request: Request, { params }: { params: Promise<{ id: string }> }): Promise<Response> {
  const id = recordIdSchema.safeParse((await params).id);
  if (!id.success) return Response.json({ error: "unknown image" }, { status: 404 });
  return Response.json({ comments: await listComments(id.data) }, { headers: { "Cache-Control": "no-store" } });
}

/** POST { body, boxId? } → the new comment. */
export async function POST(request: Request, { params }: { params: Promise<{ id: string }> }): Promise<Response> {
  const id = recordIdSchema.safeParse((await params).id);
  if (!id.success) return Response.json({ error: "unknown image" }, { status: 404 });
  const input = commentInputSchema.safeParse(await request.json().catch(() => null));
  if (!input.success) return Response.json({ error: input.error.issues[0]!.message }, { status: 400 });
  try {
    return Response.json(await addComment(id.data, input.data), { status: 201 });
  } catch (error) {
    if (error instanceof CommentTargetError) return Response.json({ error: error.message }, { status: 404 });
    throw error;
  }
}
