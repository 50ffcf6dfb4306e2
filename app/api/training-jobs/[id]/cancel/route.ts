import { recordIdSchema } from "@/lib/domain/record-id";
import { guarded } from "@/lib/server/auth/guard";
import { HttpError, parseOrThrow } from "@/lib/server/platform/http";
import { getJob, requestCancel } from "@/lib/server/training/job-queue";

export const dynamic = "force-dynamic";

/** POST → { result: cancelled | cancelling | already_finished }: a running job stops at its worker's next heartbeat. */
export const POST = guarded<{ id: string }>("training.manage", async (_request, { params }) => {
  const id = parseOrThrow(recordIdSchema, params.id, "id");
  await getJob(id).catch(() => {
    throw new HttpError(404, "unknown training job");
  });
  return Response.json({ result: await requestCancel(id) });
});
