import { guarded } from "@/lib/server/auth/guard";
import { immutableBytesResponse } from "@/lib/server/platform/immutable-response";
import { onnxRuntimeWebFile } from "@/lib/server/serving/onnxruntime-web-files";

export const dynamic = "force-dynamic";

/** onnxruntime-web's runtime files for the browser's inference worker, from the installed package (lib/server/serving/onnxruntime-web-files.ts). */
export const GET = guarded<{ version: string; file: string }>("models.predict", async (request, { params }) => {
  const found = await onnxRuntimeWebFile(params.version, params.file);
  if (!found) return new Response("not found", { status: 404 });
  return immutableBytesResponse(request, { bytes: found.bytes, etag: found.etag, contentType: found.contentType }, "private");
});
