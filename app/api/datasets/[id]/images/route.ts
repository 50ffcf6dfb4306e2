import { z } from "zod";
import { parseImageFilter } from "@/lib/domain/image-filter";
import { recordIdSchema } from "@/lib/domain/record-id";
import { listImages, MAX_PAGE_SIZE } from "@/lib/server/image-browser";

export const dynamic = "force-dynamic";

const pageSchema = z.object({
  after: z.string().regex(/^[A-Za-z0-9_-]{1,2048}$/).optional(),
  limit: z.coerce.number().int().min(1).max(MAX_PAGE_SIZE).default(100),
});

/** GET /api/datasets/:id/images?<filter>&after=<cursor>&limit=100 → one page of the grid. */
export async function GET(request: Request, { params }: { params: Promise<{ id: string }> }): Promise<Response> {
  const id = recordIdSchema.safeParse((await params).id);
  if (!id.success) return Response.json({ error: "unknown dataset" }, { status: 404 });
  const search = new URL(request.url).searchParams;
  const filter = parseImageFilter(search);
  const page = pageSchema.safeParse({ after: search.get("after") ?? undefined, limit: search.get("limit") ?? undefined });
  if (!filter.success) return Response.json({ error: `filter: ${filter.error.issues[0]!.path.join(".")} ${filter.error.issues[0]!.message}` }, { status: 400 });
  if (!page.success) return Response.json({ error: `page: ${page.error.issues[0]!.path.join(".")} ${page.error.issues[0]!.message}` }, { status: 400 });
  return Response.json(await listImages(id.data, filter.data, page.data), { headers: { "Cache-Control": "no-store" } });
}
