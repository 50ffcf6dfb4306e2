import sharp from "sharp";
import { recordIdSchema } from "@/lib/domain/record-id";
import { guarded } from "@/lib/server/auth/guard";
import { db } from "@/lib/server/platform/db";
import { immutableBytesResponse } from "@/lib/server/platform/immutable-response";
import { blobStore, BlobNotFoundError } from "@/lib/server/platform/storage";

export const dynamic = "force-dynamic";

/** The image a caller let us keep with its prediction (reviewers and up: these are production photos). */
export const GET = guarded<{ id: string }>("alerts.triage", async (request, { params }) => {
  const id = recordIdSchema.safeParse(params.id);
  if (!id.success) return new Response("not found", { status: 404 });
  const prediction = await db().prediction.findUnique({ where: { id: id.data }, select: { imageKey: true } });
  if (!prediction?.imageKey) return new Response("not found (the image was not kept)", { status: 404 });
  try {
    const bytes = await blobStore().get(prediction.imageKey);
    const { format } = await sharp(bytes).metadata();
    return immutableBytesResponse(request, { bytes, etag: prediction.imageKey, contentType: `image/${format ?? "jpeg"}` }, "private");
  } catch (error) {
    if (error instanceof BlobNotFoundError) return new Response("not found (deleted by retention)", { status: 404 });
    throw error;
  }
});
