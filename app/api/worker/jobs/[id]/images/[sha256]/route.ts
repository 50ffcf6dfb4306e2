import { guarded } from "@/lib/server/auth/guard";
import { blobStore } from "@/lib/server/platform/storage";
import { jobImage, workerOf } from "@/lib/server/training/remote/worker-api";

export const dynamic = "force-dynamic";

/** GET → the original's bytes, for an image of the job's snapshot only (the worker caches it by sha256). */
export const GET = guarded<{ id: string; sha256: string }>(
  "training.work",
  async (request, { actor, params }) => {
    const worker = await workerOf(request, actor);
    const bytes = await jobImage(worker, params.id, params.sha256, { store: blobStore() });
    return new Response(new Uint8Array(bytes), { headers: { "Content-Type": "application/octet-stream", "Content-Length": String(bytes.byteLength) } });
  },
  { apiKey: true },
);
