import { leaseRequestSchema } from "@/lib/contracts/http/worker-protocol";
import { guarded } from "@/lib/server/auth/guard";
import { readJson } from "@/lib/server/platform/http";
import { remoteRenewLease, workerOf } from "@/lib/server/training/remote/worker-api";

export const dynamic = "force-dynamic";

/** POST {leaseMs, progress} → {ok, cancelRequested}: extends the lease of a job this worker holds (ok false: it no longer does). */
export const POST = guarded<{ id: string }>(
  "training.work",
  async (request, { actor, params }) => {
    const worker = await workerOf(request, actor);
    const { leaseMs, progress } = await readJson(request, leaseRequestSchema);
    return Response.json(await remoteRenewLease(worker, params.id, leaseMs, progress));
  },
  { apiKey: true },
);
