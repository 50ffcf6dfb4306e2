import { recordIdSchema } from "@/lib/domain/record-id";
import { guarded } from "@/lib/server/auth/guard";
import { parseOrThrow } from "@/lib/server/platform/http";
import { cancelTrainingJob } from "@/lib/server/training/training-jobs";

export const dynamic = "force-dynamic";

/** POST → { result: cancelled | cancelling | already_finished }: a running job stops at its worker's next heartbeat. */
export const POST = guarded<{ id: string }>("training.manage", async (_request, { params }) => {
  const id = parseOrThrow(recordIdSchema, params.id, "id");
  return Response.json({ result: await cancelTrainingJob(id) });
});
