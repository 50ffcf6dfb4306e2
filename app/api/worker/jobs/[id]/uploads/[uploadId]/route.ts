import { UPLOAD_CHUNK_BYTES } from "@/lib/contracts/http/worker-protocol";
import { guarded } from "@/lib/server/auth/guard";
import { contentLengthOf, HttpError, readBody } from "@/lib/server/platform/http";
import { blobStore } from "@/lib/server/platform/storage";
import { heldJob, workerOf } from "@/lib/server/training/remote/worker-api";
import { findUpload, receiveChunk, uploadStateOf } from "@/lib/server/training/remote/uploads";

export const dynamic = "force-dynamic";

/** GET → UploadState: where the upload stands (a worker asks after a cut connection). */
export const GET = guarded<{ id: string; uploadId: string }>(
  "training.work",
  async (request, { actor, params }) => {
    const worker = await workerOf(request, actor);
    await heldJob(worker, params.id);
    return Response.json(uploadStateOf(await findUpload(params.uploadId, params.id)));
  },
  { apiKey: true },
);

/** PUT ?offset=N with the chunk's bytes → UploadState; 409 {received} when the server holds another offset. */
export const PUT = guarded<{ id: string; uploadId: string }>(
  "training.work",
  async (request, { actor, params }) => {
    const worker = await workerOf(request, actor);
    await heldJob(worker, params.id);
    const offset = Number(new URL(request.url).searchParams.get("offset"));
    if (!Number.isSafeInteger(offset) || offset < 0) throw new HttpError(400, "say where the chunk starts: ?offset=<bytes>");
    const upload = await findUpload(params.uploadId, params.id);
    const announced = contentLengthOf(request);
    if (announced === null) throw new HttpError(411, "send the chunk with its Content-Length");
    const bytes = await readBody(request, UPLOAD_CHUNK_BYTES);
    // A connection cut mid-chunk delivers less than announced: nothing is recorded, the worker resends.
    if (bytes.byteLength !== announced) throw new HttpError(400, `the chunk arrived incomplete (${bytes.byteLength} of ${announced} bytes)`);
    return Response.json(await receiveChunk(upload, offset, bytes, { store: blobStore() }));
  },
  { apiKey: true },
);
