import { guarded } from "@/lib/server/auth/guard";
import { blobStore } from "@/lib/server/platform/storage";
import { jobSnapshot, workerOf } from "@/lib/server/training/remote/worker-api";

export const dynamic = "force-dynamic";

/** GET → JobSnapshot: the images and labels the job trains on, fixed at the first request. */
export const GET = guarded<{ id: string }>(
  "training.work",
  async (request, { actor, params }) => {
    const worker = await workerOf(request, actor);
    const { key, snapshot } = await jobSnapshot(worker, params.id, { store: blobStore() });
    return Response.json(snapshot, { headers: { ETag: `"${key}"` } });
  },
  { apiKey: true },
);
