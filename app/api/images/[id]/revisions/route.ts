import { recordIdSchema } from "@/lib/domain/record-id";
import { listRevisions } from "@/lib/server/annotations";

export const dynamic = "force-dynamic";

/** GET → the image's label revisions, newest first. */
export async function GET(_request: Request, { params }: { params: Promise<{ id: string }> }): Promise<Response> {
  const id = recordIdSchema.safeParse((await params).id);
  if (!id.success) return Response.json({ error: "unknown image" }, { status: 404 });
  return Response.json({ revisions: await listRevisions(id.data) }, { headers: { "Cache-Control": "no-store" } });
}
