import { recordIdSchema } from "@/lib/domain/record-id";
import { ImageNotFoundError, readOriginal } from "@/lib/server/image-files";

/** The original image file, byte for byte. */
export async function GET(request: Request, { params }: { params: Promise<{ id: string }> }): Promise<Response> {
  const id = recordIdSchema.safeParse((await params).id);
  if (!id.success) return new Response("not found", { status: 404 });
  try {
    const { bytes, contentType, etag } = await readOriginal(id.data);
    const headers = { "Cache-Control": "private, max-age=31536000, immutable", ETag: `"${etag}"` };
    if (request.headers.get("if-none-match") === `"${etag}"`) return new Response(null, { status: 304, headers });
    return new Response(new Uint8Array(bytes), { headers: { ...headers, "Content-Type": contentType } });
  } catch (error) {
    if (error instanceof ImageNotFoundError) return new Response("not found", { status: 404 });
    throw error;
  }
}
