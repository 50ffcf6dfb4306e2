import { z } from "zod";
import { recordIdSchema } from "@/lib/domain/record-id";
import { guarded } from "@/lib/server/auth/guard";
import { evaluationView } from "@/lib/server/evaluation/evaluation-views";
import { HttpError, parseOrThrow } from "@/lib/server/platform/http";
import { blobStore } from "@/lib/server/platform/storage";

export const dynamic = "force-dynamic";

const querySchema = z.object({ snapshot: z.enum(["0", "1"]).default("1") });

/**
 * GET [?snapshot=0] → EvaluationView: the stored figures and the labels and detections they were
 * computed from (snapshot null with ?snapshot=0, for views that need only figures and curves).
 */
export const GET = guarded<{ id: string }>("data.view", async (request, { params }) => {
  const id = recordIdSchema.safeParse(params.id);
  if (!id.success) throw new HttpError(404, "unknown evaluation");
  const query = parseOrThrow(querySchema, Object.fromEntries(new URL(request.url).searchParams), "query");
  // Not cached: the figures never change, but the model's stage in the view does.
  return Response.json(await evaluationView(id.data, { store: blobStore(), snapshot: query.snapshot === "1" }));
});
