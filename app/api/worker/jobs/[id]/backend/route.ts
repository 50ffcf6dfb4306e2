import { backendRequestSchema } from "@/lib/contracts/http/worker-protocol";
import { guarded } from "@/lib/server/auth/guard";
import { readJson } from "@/lib/server/platform/http";
import { remoteRecordBackend, workerOf } from "@/lib/server/training/remote/worker-api";

export const dynamic = "force-dynamic";

/** POST {backend} → {ok}: the compute backend the job runs on (ok false: the worker no longer holds the job). */
export const POST = guarded<{ id: string }>(
  "training.work",
  async (request, { actor, params }) => {
    const worker = await workerOf(request, actor);
    const { backend } = await readJson(request, backendRequestSchema);
    return Response.json({ ok: await remoteRecordBackend(worker, params.id, backend) });
  },
  { apiKey: true },
);
