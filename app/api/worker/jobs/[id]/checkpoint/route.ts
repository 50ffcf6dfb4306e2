import { checkpointRequestSchema } from "@/lib/contracts/http/worker-protocol";
import { guarded } from "@/lib/server/auth/guard";
import { readJson } from "@/lib/server/platform/http";
import { blobStore } from "@/lib/server/platform/storage";
import { remoteCheckpoint, remoteRecordCheckpoint, workerOf } from "@/lib/server/training/remote/worker-api";

export const dynamic = "force-dynamic";

/** GET → the job's last checkpoint (X-Checkpoint-Epoch says which epoch it ends), or 204 when it has none. */
export const GET = guarded<{ id: string }>(
  "training.work",
  async (request, { actor, params }) => {
    const worker = await workerOf(request, actor);
    const checkpoint = await remoteCheckpoint(worker, params.id, { store: blobStore() });
    if (!checkpoint) return new Response(null, { status: 204 });
    return new Response(new Uint8Array(checkpoint.bytes), { headers: { "Content-Type": "application/octet-stream", "X-Checkpoint-Epoch": String(checkpoint.epoch) } });
  },
  { apiKey: true },
);

/** POST {uploadId, epoch} → {ok}: a finished checkpoint upload becomes the job's checkpoint (ok false: the worker no longer holds the job). */
export const POST = guarded<{ id: string }>(
  "training.work",
  async (request, { actor, params }) => {
    const worker = await workerOf(request, actor);
    const { uploadId, epoch } = await readJson(request, checkpointRequestSchema);
    return Response.json({ ok: await remoteRecordCheckpoint(worker, params.id, uploadId, epoch, { store: blobStore() }) });
  },
  { apiKey: true },
);
