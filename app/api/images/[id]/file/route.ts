import { recordIdSchema } from "@/lib/domain/record-id";
import { guarded } from "@/lib/server/auth/guard";
import { immutableBytesResponse } from "@/lib/server/platform/immutable-response";
import { ImageNotFoundError, readOriginal } from "@/lib/server/images/image-files";

/** The original image file, byte for byte; cached by the browser only (private). */
export const GET = guarded<{ id: string }>("data.view", async (request, { params }) => {
  const id = recordIdSchema.safeParse(params.id);
  if (!id.success) return new Response("not found", { status: 404 });
  try {
    return immutableBytesResponse(request, await readOriginal(id.data), "private");
  } catch (error) {
    if (error instanceof ImageNotFoundError) return new Response("not found", { status: 404 });
    throw error;
  }
});
