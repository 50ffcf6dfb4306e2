import { recordIdSchema } from "@/lib/domain/record-id";
import { immutableBytesResponse } from "@/lib/server/immutable-response";
import { ImageNotFoundError, readOriginal } from "@/lib/server/image-files";

/** The original image file, byte for byte. */
export async function GET(request: Request, { params }: { params: Promise<{ id: string }> }): Promise<Response> {
  const id = recordIdSchema.safeParse((await params).id);
  if (!id.success) return new Response("not found", { status: 404 });
  try {
    return immutableBytesResponse(request, await readOriginal(id.data), "private");
  } catch (error) {
    if (error instanceof ImageNotFoundError) return new Response("not found", { status: 404 });
    throw error;
  }
}
