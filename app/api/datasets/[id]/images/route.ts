import { z } from "zod";
import { parseImageFilter } from "@/lib/domain/image-filter";
import { recordIdSchema } from "@/lib/domain/record-id";
import { guarded } from "@/lib/server/auth/guard";
import { HttpError, parseOrThrow } from "@/lib/server/platform/http";
import { listImages, MAX_PAGE_SIZE } from "@/lib/server/datasets/image-browser";
import { firstIssue } from "@/lib/domain/validation-message";

export const dynamic = "force-dynamic";

const pageSchema = z.object({
  after: z.string().regex(/^[A-Za-z0-9_-]{1,2048}$/).optional(),
  limit: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(100),
});

/** GET /api/datasets/:id/images?<filter>&after=<cursor>&limit=100 → one page of the grid. */
export const GET = guarded<{ id: string }>("data.view", async (request, { params }) => {
  const id = recordIdSchema.safeParse(params.id);
  if (!id.success) throw new HttpError(404, "unknown dataset");
  const search = new URL(request.url).searchParams;
  const filter = parseImageFilter(search);
  if (!filter.success) throw new HttpError(400, firstIssue(filter.error, "filter"));
  const page = parseOrThrow(pageSchema, { after: search.get("after") ?? undefined, limit: search.get("limit") ?? undefined }, "page");
  return Response.json(await listImages(id.data, filter.data, page), { headers: { "Cache-Control": "no-store" } });
});
