import { recordIdSchema } from "@/lib/domain/record-id";
import { guarded } from "@/lib/server/auth/guard";
import { HttpError } from "@/lib/server/platform/http";
import { listRevisions } from "@/lib/server/labels/annotations";

export const dynamic = "force-dynamic";

/** GET → the image's label revisions, newest first. */
export const GET = guarded<{ id: string }>("data.view", async (_request, { params }) => {
  const id = recordIdSchema.safeParse(params.id);
  if (!id.success) throw new HttpError(404, "unknown image");
  return Response.json({ revisions: await listRevisions(id.data) }, { headers: { "Cache-Control": "no-store" } });
});
