import { recordIdSchema } from "@/lib/domain/record-id";
import { audit } from "@/lib/server/auth/audit";
import { actorUserId, guarded } from "@/lib/server/auth/guard";
import { evaluateUploadedCocoResults, externalEvaluationAnswer } from "@/lib/server/models/external-results";
import { contentLengthOf, parseOrThrow } from "@/lib/server/platform/http";
import { blobStore } from "@/lib/server/platform/storage";

export const dynamic = "force-dynamic";
export const maxDuration = 300;

/**
 * Score a COCO results file made elsewhere on a split of this dataset; it becomes an external
 * model version in the benchmark table. multipart/form-data: `results` (the file), `name`,
 * `split`, optional `source`, `classMap`, `imageIds` (lib/contracts/http/coco-results.ts).
 * 201: the version, its evaluation and headline figures; 400 malformed; 404 unknown dataset;
 * 413 over the size limit; 415 not multipart; 422 results naming unknown images or categories,
 * or images of another split (the first few listed in `problems`). Nothing is stored on a refusal.
 */
export const POST = guarded<{ id: string }>("training.manage", async (request, { params, actor, ip }) => {
  const datasetId = parseOrThrow(recordIdSchema, params.id, "id");
  const result = await evaluateUploadedCocoResults(
    datasetId,
    { body: request.body, contentType: request.headers.get("content-type") ?? "", contentLength: contentLengthOf(request) },
    { store: blobStore(), createdById: actorUserId(actor) },
  );
  const answer = externalEvaluationAnswer(result);
  await audit("model.results_evaluated", { actorId: actorUserId(actor), target: answer.model, detail: { modelVersionId: answer.modelVersionId, evaluationId: answer.evaluationId, datasetId, split: answer.split, source: result.version.source }, ip });
  return Response.json(answer, { status: 201 });
});
