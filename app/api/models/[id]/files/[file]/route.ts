import { ARTIFACT_FILES, type ArtifactFileName } from "@/lib/contracts/artifact";
import { recordIdSchema } from "@/lib/domain/record-id";
import { guarded } from "@/lib/server/auth/guard";
import { immutableBytesResponse } from "@/lib/server/platform/immutable-response";
import { readModelFile } from "@/lib/server/models/model-registry";
import { blobStore } from "@/lib/server/platform/storage";

export const dynamic = "force-dynamic";

const CONTENT_TYPES: Record<ArtifactFileName, string> = { "model.json": "application/json", "weights.bin": "application/octet-stream", "masklab.json": "application/json" };

/** One file of a model version's artifact (model.json, weights.bin, masklab.json), for in-browser inference; immutable, so the browser caches it per version. */
export const GET = guarded<{ id: string; file: string }>("models.predict", async (request, { params }) => {
  const id = recordIdSchema.safeParse(params.id);
  const file = ARTIFACT_FILES.find((f) => f === params.file);
  if (!id.success || !file) return new Response("not found", { status: 404 });
  const found = await readModelFile(id.data, file, blobStore());
  if (!found) return new Response("not found", { status: 404 });
  return immutableBytesResponse(request, { bytes: found.bytes, etag: found.key, contentType: CONTENT_TYPES[file] }, "private");
});
