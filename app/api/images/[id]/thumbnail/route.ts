import { recordIdSchema } from "@/lib/domain/record-id";
import { immutableBytesResponse } from "@/lib/server/immutable-response";
import { ImageNotFoundError, readThumbnail } from "@/lib/server/image-files";

/** Thumbnails never change for an image id: cached by the browser for a year. */
export async function GET(request: Request, { params }: { params: Promise<{ id: string }> }): Promise<Response> {
  const id = recordIdSchema.safeParse((await params).id);
  if (!id.success) return new Response("not found", { status: 404 });
  try {
    return immutableBytesResponse(request, { ...(await readThumbnail(id.data)), contentType: "image/jpeg" }, "public");
  } catch (error) {
    if (error instanceof ImageNotFoundError) return new Response("not found", { status: 404 });
    throw error;
  }
}
