import { commentInputSchema } from "@/lib/contracts/http/labels";
import { recordIdSchema } from "@/lib/domain/record-id";
import { actorUserId, guarded } from "@/lib/server/auth/guard";
import { HttpError, readJson } from "@/lib/server/platform/http";
import { addComment, listComments } from "@/lib/server/labels/review-comments";

export const dynamic = "force-dynamic";

/** GET → the image's review comments, newest first. */
export const GET = guarded<{ id: string }>("data.view", async (_request, { params }) => {
  const id = recordIdSchema.safeParse(params.id);
  if (!id.success) throw new HttpError(404, "unknown image");
  return Response.json({ comments: await listComments(id.data) }, { headers: { "Cache-Control": "no-store" } });
});

/** POST { body, boxId? } → the new comment, signed by its author; 404 for an unknown image or box. */
export const POST = guarded<{ id: string }>("comments.write", async (request, { params, actor }) => {
  const id = recordIdSchema.safeParse(params.id);
  if (!id.success) throw new HttpError(404, "unknown image");
  const input = await readJson(request, commentInputSchema, 16 * 1024);
  return Response.json(await addComment(id.data, input, { authorId: actorUserId(actor) }), { status: 201 });
});
