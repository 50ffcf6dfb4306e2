import { registerWorkerRequestSchema } from "@/lib/contracts/http/worker-protocol";
import { guarded } from "@/lib/server/auth/guard";
import { readJson } from "@/lib/server/platform/http";
import { registerRemoteWorker, workerTokenOf } from "@/lib/server/training/remote/worker-api";

export const dynamic = "force-dynamic";

/** POST {hostname, pid, capabilities} with a worker token → {workerId, leaseMs, heartbeatMs}: a remote training worker signs in. */
export const POST = guarded(
  "training.work",
  async (request, { actor }) => {
    const tokenId = workerTokenOf(actor);
    const input = await readJson(request, registerWorkerRequestSchema);
    return Response.json(await registerRemoteWorker(tokenId, input), { status: 201 });
  },
  { apiKey: true },
);
