import { claimRequestSchema } from "@/lib/contracts/http/worker-protocol";
import { guarded } from "@/lib/server/auth/guard";
import { readJson } from "@/lib/server/platform/http";
import { remoteClaim, workerOf } from "@/lib/server/training/remote/worker-api";

export const dynamic = "force-dynamic";

/** POST {kinds, leaseMs} → {job}: the oldest queued job of these kinds, now this worker's (job null when there is none). */
export const POST = guarded(
  "training.work",
  async (request, { actor }) => {
    const worker = await workerOf(request, actor);
    const { kinds, leaseMs } = await readJson(request, claimRequestSchema);
    return Response.json({ job: await remoteClaim(worker, kinds, leaseMs) });
  },
  { apiKey: true },
);
