import { finishRequestSchema } from "@/lib/contracts/http/worker-protocol";
import { guarded } from "@/lib/server/auth/guard";
import { readJson } from "@/lib/server/platform/http";
import { remoteFinish, workerOf } from "@/lib/server/training/remote/worker-api";

export const dynamic = "force-dynamic";

/** POST {ending, error} → {ok, released}: how the run ended (succeeded, failed, cancelled, or released back to the queue). */
export const POST = guarded<{ id: string }>(
  "training.work",
  async (request, { actor, params }) => {
    const worker = await workerOf(request, actor);
    const { ending, error } = await readJson(request, finishRequestSchema);
    return Response.json(await remoteFinish(worker, params.id, ending, error));
  },
  { apiKey: true },
);
