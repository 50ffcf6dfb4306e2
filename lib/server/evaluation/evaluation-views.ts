import type { EvaluationView, SendToReviewInput, SendToReviewResult } from "@/lib/contracts/http/evaluation";
import { evaluationMetricsColumn, evaluationPerClassColumn } from "@/lib/contracts/stored/evaluation";
import { parseStored } from "@/lib/contracts/stored/parse";
import { findLabelIssues } from "@/lib/domain/evaluation/label-issues";
import { AnnotationConflictError, getAnnotations, saveAnnotations } from "../labels/annotations";
import { db as defaultDb, type Db } from "../platform/db";
import { NotFoundError } from "../platform/not-found";
import { readEvaluationSnapshot } from "./model-evaluation";
import { addComment } from "../labels/review-comments";
import type { BlobStore } from "../platform/storage";

export class EvaluationNotFoundError extends NotFoundError {}

/**
 * One stored evaluation with what it scored (labels then, every detection): the page recomputes
 * P/R/F1, the confusion matrix, box outcomes and label issues from it in the browser with the
 * same domain code that produced the stored figures.
 */
export async function evaluationView(id: string, deps: { store: BlobStore; db?: Db; snapshot?: boolean }): Promise<EvaluationView> {
  const database = deps.db ?? defaultDb();
  const evaluation = await database.evaluation.findUnique({
    where: { id },
    include: { dataset: { select: { id: true, name: true } }, modelVersion: { select: { id: true, name: true, version: true, kind: true, stage: true } }, trainingJob: { select: { kind: true } } },
  });
  if (!evaluation) throw new EvaluationNotFoundError("unknown evaluation");
  const metrics = parseStored(evaluationMetricsColumn, evaluation.metrics, evaluation.id);
  return {
    id: evaluation.id,
    model: evaluation.modelVersion,
    source: sourceOf(evaluation),
    jobId: evaluation.trainingJobId,
    dataset: evaluation.dataset,
    split: evaluation.split,
    imageCount: evaluation.imageCount,
    createdAt: evaluation.createdAt.toISOString(),
    operatingConfidence: metrics.confidence,
    postprocess: metrics.postprocess ?? null,
    metrics,
    perClass: parseStored(evaluationPerClassColumn, evaluation.perClass, evaluation.id),
    snapshot: deps.snapshot === false ? null : await readEvaluationSnapshot(evaluation, deps.store),
  };
}

/**
 * Sends images the label-issue finder flagged back to the review queue: each gets a review
 * comment with the finder's reasons, and a reviewed image becomes "labeled" again (the "to
 * review" queue), through saveAnnotations so the status change is a recoverable revision. The
 * reasons are recomputed here from the stored evaluation, never taken from the request.
 * Images not flagged (or gone since) are reported back, not touched.
 */
export async function sendLabelIssuesToReview(
  evaluationId: string,
  input: SendToReviewInput,
  deps: { store: BlobStore; actorId?: string; db?: Db },
): Promise<SendToReviewResult> {
  const database = deps.db ?? defaultDb();
  const evaluation = await database.evaluation.findUnique({ where: { id: evaluationId }, include: { modelVersion: { select: { name: true, version: true } }, trainingJob: { select: { kind: true } } } });
  if (!evaluation) throw new EvaluationNotFoundError("unknown evaluation");
  const snapshot = await readEvaluationSnapshot(evaluation, deps.store);
  if (!snapshot) throw new EvaluationNotFoundError("this evaluation kept no detections (stored before snapshots): run npm run evaluate-model again");
  const flagged = new Map(findLabelIssues(snapshot, { minScore: input.minScore }).map((entry) => [entry.imageId, entry]));
  const sent: string[] = [];
  const skipped: Array<{ imageId: string; reason: string }> = [];
  for (const imageId of new Set(input.imageIds)) {
    const entry = flagged.get(imageId);
    if (!entry) {
      skipped.push({ imageId, reason: "not flagged by this evaluation" });
      continue;
    }
    const image = await database.image.findUnique({ where: { id: imageId }, select: { id: true } });
    if (!image) {
      skipped.push({ imageId, reason: "the image no longer exists" });
      continue;
    }
    const source = `Label-issue finder (${sourceOf(evaluation)}, ${evaluation.split.startsWith("cv") ? "out-of-fold predictions" : `${evaluation.split} split`})`;
    const reasons = entry.issues.map((issue) => `${issue.explanation} at (${Math.round(issue.box.xmin)}, ${Math.round(issue.box.ymin)})–(${Math.round(issue.box.xmax)}, ${Math.round(issue.box.ymax)})`);
    await addComment(imageId, { body: `${source}: ${reasons.join("; ")}`.slice(0, 2_000) }, { authorId: deps.actorId, db: database });
    const current = await getAnnotations(imageId, database);
    if (current.set.labelStatus === "reviewed") {
      try {
        await saveAnnotations(
          imageId,
          { expectedVersion: current.version, labelStatus: "labeled", boxes: current.set.boxes, note: `${source}: sent back for review` },
          // Only reviewers reach this (the route needs labels.review): withdrawing an approval is a review decision.
          { author: { id: deps.actorId, mayReview: true }, db: database },
        );
      } catch (error) {
        // Someone saved the image a moment ago: their edit wins; the comment already says why to look.
        if (!(error instanceof AnnotationConflictError)) throw error;
        skipped.push({ imageId, reason: "its labels changed while it was being sent: the comment is added, the status left as it is" });
        continue;
      }
    }
    sent.push(imageId);
  }
  return { sent, skipped };
}

/** What made an evaluation's predictions, in words. */
export function sourceOf(evaluation: { split: string; modelVersion: { name: string; version: number } | null; trainingJob: { kind: string } | null }): string {
  if (evaluation.modelVersion) return `${evaluation.modelVersion.name} v${evaluation.modelVersion.version}`;
  return `${evaluation.split.slice(2)}-fold cross-validation (${evaluation.trainingJob?.kind ?? "detector"})`;
}
