/**
 * A response for bytes that never change under their URL (an image's original or thumbnail):
 * long-lived caching with the content hash as ETag, and 304 when the browser already has them.
 */
export function immutableBytesResponse(
  request: Request,
  file: { bytes: Buffer; etag: string; contentType: string },
  visibility: "public" | "private",
): Response {
  const headers = { "Cache-Control": `${visibility}, max-age=31536000, immutable`, ETag: `"${file.etag}"` };
  if (request.headers.get("if-none-match") === headers.ETag) return new Response(null, { status: 304, headers });
  return new Response(new Uint8Array(file.bytes), { headers: { ...headers, "Content-Type": file.contentType } });
}
