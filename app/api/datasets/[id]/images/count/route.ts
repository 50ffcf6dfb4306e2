import { parseImageFilter } from "@/lib/domain/image-filter";
import { recordIdSchema } from "@/lib/domain/record-id";
import { firstIssue } from "@/lib/domain/validation-message";
import { guarded } from "@/lib/server/auth/guard";
import { HttpError } from "@/lib/server/platform/http";
import { countImages } from "@/lib/server/datasets/image-browser";

export const dynamic = "force-dynamic";

/** GET /api/datasets/:id/images/count?<filter> → { total } */
export const GET = guarded<{ id: string }>("data.view", async (request, { params }) => {
  const id = recordIdSchema.safeParse(params.id);
  if (!id.success) throw new HttpError(404, "unknown dataset");
  const filter = parseImageFilter(new URL(request.url).searchParams);
  if (!filter.success) throw new HttpError(400, firstIssue(filter.error, "filter"));
  return Response.json({ total: await countImages(id.data, filter.data) }, { headers: { "Cache-Control": "no-store" } });
});
