import { recordIdSchema } from "@/lib/domain/record-id";
import { resolveComments } from "@/lib/server/review-comments";

export const dynamic = "force-dynamic";

/** POST → marks the image's open review comments resolved: { resolved: n } */
export async function POST(_request: Request, { params }: { params: Promise<{ id: string }> }): Promise<Response> {
  const id = recordIdSchema.safeParse((await params).id);
  if (!id.success) return Response.json({ error: "unknown image" }, { status: 404 });
  return Response.json({ resolved: await resolveComments(id.data) });
}
