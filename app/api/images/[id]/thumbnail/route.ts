import { recordIdSchema } from "@/lib/domain/record-id";
import { guarded } from "@/lib/server/auth/guard";
import { immutableBytesResponse } from "@/lib/server/platform/immutable-response";
import { ImageNotFoundError, readThumbnail } from "@/lib/server/images/image-files";

/** Thumbnails never change for an image id: cached by the browser for a year, never by shared caches (faces). */
export const GET = guarded<{ id: string }>("data.view", async (request, { params }) => {
  const id = recordIdSchema.safeParse(params.id);
  if (!id.success) return new Response("not found", { status: 404 });
  try {
    return immutableBytesResponse(request, { ...(await readThumbnail(id.data)), contentType: "image/jpeg" }, "private");
  } catch (error) {
    if (error instanceof ImageNotFoundError) return new Response("not found", { status: 404 });
    throw error;
  }
});
