import { jobLogRequestSchema } from "@/lib/contracts/http/worker-protocol";
import { guarded } from "@/lib/server/auth/guard";
import { readJson } from "@/lib/server/platform/http";
import { remoteLog, workerOf } from "@/lib/server/training/remote/worker-api";

export const dynamic = "force-dynamic";

/** POST {level, message, metrics} → 204: one line of the job's log (only while this worker holds the job). */
export const POST = guarded<{ id: string }>(
  "training.work",
  async (request, { actor, params }) => {
    const worker = await workerOf(request, actor);
    await remoteLog(worker, params.id, await readJson(request, jobLogRequestSchema));
    return new Response(null, { status: 204 });
  },
  { apiKey: true },
);
