import { parseImageFilter } from "@/lib/domain/image-filter";
import { recordIdSchema } from "@/lib/domain/record-id";
import { countImages } from "@/lib/server/image-browser";

export const dynamic = "force-dynamic";

/** GET /api/datasets/:id/images/count?<filter> → { total } */
export async function GET(request: Request, { params }: { params: Promise<{ id: string }> }): Promise<Response> {
  const id = recordIdSchema.safeParse((await params).id);
  if (!id.success) return Response.json({ error: "unknown dataset" }, { status: 404 });
  const filter = parseImageFilter(new URL(request.url).searchParams);
  if (!filter.success) return Response.json({ error: `filter: ${filter.error.issues[0]!.path.join(".")} ${filter.error.issues[0]!.message}` }, { status: 400 });
  return Response.json({ total: await countImages(id.data, filter.data) }, { headers: { "Cache-Control": "no-store" } });
}
