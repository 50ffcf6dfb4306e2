import { recordIdSchema } from "@/lib/domain/record-id";
import { guarded } from "@/lib/server/auth/guard";
import { immutableBytesResponse } from "@/lib/server/platform/immutable-response";
import { readOriginal } from "@/lib/server/images/image-files";

/** The original image file, byte for byte; cached by the browser only (private). */
export const GET = guarded<{ id: string }>("data.view", async (request, { params }) => {
  const id = recordIdSchema.safeParse(params.id);
  const original = id.success ? await readOriginal(id.data) : null;
  if (!original) return new Response("not found", { status: 404 });
  return immutableBytesResponse(request, original, "private");
});
