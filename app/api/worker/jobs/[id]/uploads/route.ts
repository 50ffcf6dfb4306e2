import { startUploadRequestSchema } from "@/lib/contracts/http/worker-protocol";
import { guarded } from "@/lib/server/auth/guard";
import { readJson } from "@/lib/server/platform/http";
import { heldJob, workerOf } from "@/lib/server/training/remote/worker-api";
import { startUpload, uploadStateOf } from "@/lib/server/training/remote/uploads";

export const dynamic = "force-dynamic";

/** POST {purpose, size, sha256} → UploadState: opens a resumable upload (or returns the open one of the same file). */
export const POST = guarded<{ id: string }>(
  "training.work",
  async (request, { actor, params }) => {
    const worker = await workerOf(request, actor);
    const file = await readJson(request, startUploadRequestSchema);
    await heldJob(worker, params.id);
    return Response.json(uploadStateOf(await startUpload(params.id, worker.workerId, file)), { status: 201 });
  },
  { apiKey: true },
);
