import { z } from "zod";
import { evaluationMetricsSchema, evaluationPerClassSchema, evaluationPostprocessSchema, evaluationSnapshotSchema } from "../stored/evaluation";
import { timestampSchema } from "./json";

/** GET /api/evaluations/:id[?snapshot=0]: a stored evaluation, and what it scored. */
export const evaluationViewSchema = z.object({
  id: z.string(),
  /** the model version scored; null for a cross-validation label audit (a model per fold) */
  model: z.object({ id: z.string(), name: z.string(), version: z.number().int(), kind: z.string(), stage: z.string() }).nullable(),
  /** what made the predictions, for headings and review comments: "NAME vN" or "4-fold cross-validation (one_stage)" */
  source: z.string(),
  /** the cross-validation job of a label audit */
  jobId: z.string().nullable(),
  dataset: z.object({ id: z.string(), name: z.string() }),
  split: z.string(),
  imageCount: z.number().int(),
  createdAt: timestampSchema,
  /** the confidence of the stored "at operating threshold" figures (serving's score threshold) */
  operatingConfidence: z.number(),
  /** how the detections were post-processed before scoring; null for evaluations stored before it was recorded */
  postprocess: evaluationPostprocessSchema.nullable(),
  metrics: evaluationMetricsSchema,
  perClass: evaluationPerClassSchema,
  /** null for evaluations stored before snapshots, and when asked without (?snapshot=0) */
  snapshot: evaluationSnapshotSchema.nullable(),
});
export type EvaluationView = z.infer<typeof evaluationViewSchema>;

/** POST /api/evaluations/:id/review: label-finder images to send back to the review queue. */
export const sendToReviewSchema = z.object({
  imageIds: z.array(z.string().regex(/^[A-Za-z0-9_-]{1,64}$/)).min(1, "choose at least one image").max(500),
  /** the finder's confidence floor the list was made with, so the reasons sent match what was shown */
  minScore: z.number().min(0).max(1).optional(),
});
export type SendToReviewInput = z.infer<typeof sendToReviewSchema>;

/** → the images sent to the review queue, and the ones left alone with why. */
export const sendToReviewResultSchema = z.object({
  sent: z.array(z.string()),
  skipped: z.array(z.object({ imageId: z.string(), reason: z.string() })),
});
export type SendToReviewResult = z.infer<typeof sendToReviewResultSchema>;
