import { recordIdSchema } from "@/lib/domain/record-id";
import { guarded } from "@/lib/server/auth/guard";
import { immutableBytesResponse } from "@/lib/server/platform/immutable-response";
import { readThumbnail } from "@/lib/server/images/image-files";

/** Thumbnails never change for an image id: cached by the browser for a year, never by shared caches (faces). */
export const GET = guarded<{ id: string }>("data.view", async (request, { params }) => {
  const id = recordIdSchema.safeParse(params.id);
  const thumbnail = id.success ? await readThumbnail(id.data) : null;
  if (!thumbnail) return new Response("not found", { status: 404 });
  return immutableBytesResponse(request, thumbnail, "private");
});
