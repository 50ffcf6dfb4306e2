import { heartbeatRequestSchema } from "@/lib/contracts/http/worker-protocol";
import { guarded } from "@/lib/server/auth/guard";
import { readJson } from "@/lib/server/platform/http";
import { remoteHeartbeat, workerOf } from "@/lib/server/training/remote/worker-api";

export const dynamic = "force-dynamic";

/** POST {status} → 204: the worker is alive (idle, busy) or stopping. */
export const POST = guarded(
  "training.work",
  async (request, { actor }) => {
    const worker = await workerOf(request, actor);
    const { status } = await readJson(request, heartbeatRequestSchema);
    await remoteHeartbeat(worker, status);
    return new Response(null, { status: 204 });
  },
  { apiKey: true },
);
