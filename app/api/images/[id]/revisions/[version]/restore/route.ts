import { z } from "zod";
import { recordIdSchema } from "@/lib/domain/record-id";
import { AnnotationConflictError, AnnotationNotFoundError, restoreRevision } from "@/lib/server/annotations";

export const dynamic = "force-dynamic";

const bodySchema = z.object({ expectedVersion: z.number().int().min(0) });

/** POST { expectedVersion } → restores revision :version as a new revision. */
export async function POST(request: Request, { params }: { params: Promise<{ id: string; version: string }> }): Promise<Response> {
  const { id: rawId, version: rawVersion } = await params;
  const id = recordIdSchema.safeParse(rawId);
  const version = z.coerce.number().int().min(1).safeParse(rawVersion);
  if (!id.success || !version.success) return Response.json({ error: "unknown revision" }, { status: 404 });
  const body = bodySchema.safeParse(await request.json().catch(() => null));
  if (!body.success) return Response.json({ error: "expectedVersion: send the version the editor shows" }, { status: 400 });
  try {
    return Response.json(await restoreRevision(id.data, version.data, body.data.expectedVersion));
  } catch (error) {
    if (error instanceof AnnotationConflictError) return Response.json({ error: error.message, current: error.current }, { status: 409 });
    if (error instanceof AnnotationNotFoundError) return Response.json({ error: error.message }, { status: 404 });
    throw error;
  }
}
