import { recordIdSchema } from "@/lib/domain/record-id";
import { guarded } from "@/lib/server/auth/guard";
import { HttpError } from "@/lib/server/platform/http";
import { resolveComments } from "@/lib/server/labels/review-comments";

export const dynamic = "force-dynamic";

/** POST → marks the image's open review comments resolved (the annotator's "fixed"): { resolved: n }; 404 for an unknown image. */
export const POST = guarded<{ id: string }>("comments.write", async (_request, { params }) => {
  const id = recordIdSchema.safeParse(params.id);
  if (!id.success) throw new HttpError(404, "unknown image");
  return Response.json({ resolved: await resolveComments(id.data) });
});
