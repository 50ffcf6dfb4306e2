import { ARTIFACT_FILES, ONNX_ARTIFACT_FILES } from "@/lib/contracts/artifact";
import { recordIdSchema } from "@/lib/domain/record-id";
import { guarded } from "@/lib/server/auth/guard";
import { immutableBytesResponse } from "@/lib/server/platform/immutable-response";
import { readModelFile, type ModelFileName } from "@/lib/server/models/model-registry";
import { blobStore } from "@/lib/server/platform/storage";

export const dynamic = "force-dynamic";

const CONTENT_TYPES: Record<ModelFileName, string> = { "model.json": "application/json", "weights.bin": "application/octet-stream", "masklab.json": "application/json", "model.onnx": "application/octet-stream" };
const FILES: readonly ModelFileName[] = [...ARTIFACT_FILES, ...ONNX_ARTIFACT_FILES];

/** One file of a model version's artifact (TF.js: model.json, weights.bin; ONNX: model.onnx; both: masklab.json), for in-browser inference; immutable, so the browser caches it per version. */
export const GET = guarded<{ id: string; file: string }>("models.predict", async (request, { params }) => {
  const id = recordIdSchema.safeParse(params.id);
  const file = FILES.find((f) => f === params.file);
  if (!id.success || !file) return new Response("not found", { status: 404 });
  const found = await readModelFile(id.data, file, blobStore());
  if (!found) return new Response("not found", { status: 404 });
  return immutableBytesResponse(request, { bytes: found.bytes, etag: found.key, contentType: CONTENT_TYPES[file] }, "private");
});
