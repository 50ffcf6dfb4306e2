import { z } from "zod";
import { recordIdSchema } from "@/lib/domain/record-id";
import { guarded } from "@/lib/server/auth/guard";
import { HttpError, parseOrThrow } from "@/lib/server/platform/http";
import { trainingJobDetail } from "@/lib/server/training/training-jobs";

export const dynamic = "force-dynamic";

const querySchema = z.object({ after: recordIdSchema.optional() });

/** GET ?after=<log id> → { job, logs }: the job now, and the log lines after the one the caller has. */
export const GET = guarded<{ id: string }>("data.view", async (request, { params }) => {
  const id = parseOrThrow(recordIdSchema, params.id, "id");
  const { after } = parseOrThrow(querySchema, Object.fromEntries(new URL(request.url).searchParams), "query");
  const detail = await trainingJobDetail(id, after);
  if (!detail) throw new HttpError(404, "unknown training job");
  return Response.json(detail, { headers: { "Cache-Control": "no-store" } });
});
