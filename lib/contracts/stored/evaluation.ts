import { z } from "zod";
import type { EvaluationReport } from "@/lib/domain/evaluation/report";
import type { EvaluationInput } from "@/lib/domain/evaluation/types";
import { storedBlob, storedColumn } from "./parse";

// The shapes are lib/domain/evaluation's; `satisfies` makes a field added there fail to compile here.

const operatingPointSchema = z.object({ threshold: z.number(), tp: z.number(), fp: z.number(), fn: z.number(), precision: z.number(), recall: z.number(), f1: z.number() });
const f1CurveSchema = z.object({ confidence: z.array(z.number()), precision: z.array(z.number()), recall: z.array(z.number()), f1: z.array(z.number()) });

/** How detections were post-processed before they were scored (what a caller recorded: evaluations of fixed detections record less). */
export const evaluationPostprocessSchema = z
  .object({
    scoreThreshold: z.number(),
    iouThreshold: z.number(),
    maxDetections: z.number().int(),
    /** every class above the threshold per box, as COCO evaluation expects */
    multiLabel: z.boolean(),
  })
  .partial();
export type EvaluationPostprocess = z.infer<typeof evaluationPostprocessSchema>;

/** Every figure of an evaluation but the per-class table (its own column), and how detections were post-processed. */
export const evaluationMetricsSchema = z.object({
  AP: z.number(),
  AP50: z.number(),
  AP75: z.number(),
  APs: z.number(),
  APm: z.number(),
  APl: z.number(),
  AR1: z.number(),
  AR10: z.number(),
  AR100: z.number(),
  ARs: z.number(),
  ARm: z.number(),
  ARl: z.number(),
  vocMAP50: z.number(),
  classes: z.array(z.string()),
  images: z.number().int(),
  detections: z.number().int(),
  confidence: z.number(),
  micro: z.object({ numGt: z.number().int(), atConfidence: operatingPointSchema, bestF1: operatingPointSchema.nullable() }),
  confusion: z.object({ labels: z.array(z.string()), iouThreshold: z.number(), confidence: z.number(), counts: z.array(z.array(z.number())) }),
  imageAccuracy: z.object({
    positiveClasses: z.array(z.string()),
    threshold: z.number(),
    tp: z.number(),
    fp: z.number(),
    tn: z.number(),
    fn: z.number(),
    images: z.number(),
    accuracy: z.number(),
    precision: z.number(),
    recall: z.number(),
  }),
  curves: z.object({
    perClass: z.array(z.object({ className: z.string(), pr: z.object({ recall: z.array(z.number()), precision: z.array(z.number()) }), f1: f1CurveSchema })),
    micro: z.object({ f1: f1CurveSchema }),
  }),
  /** evaluations stored before it was recorded lack it */
  postprocess: evaluationPostprocessSchema.optional(),
}) satisfies z.ZodType<Omit<EvaluationReport, "perClass">>;
export type EvaluationMetrics = z.infer<typeof evaluationMetricsSchema>;

export const evaluationPerClassSchema = z.array(
  z.object({
    className: z.string(),
    numGt: z.number().int(),
    numDetections: z.number().int(),
    AP: z.number(),
    AP50: z.number(),
    AP75: z.number(),
    AR100: z.number(),
    vocAP50: z.number(),
    vocNumGt: z.number().int(),
    atConfidence: operatingPointSchema,
    bestF1: operatingPointSchema.nullable(),
  }),
) satisfies z.ZodType<EvaluationReport["perClass"]>;

export const evaluationMetricsColumn = storedColumn("Evaluation", "metrics", evaluationMetricsSchema);
export const evaluationPerClassColumn = storedColumn("Evaluation", "perClass", evaluationPerClassSchema);

const pixelBoxSchema = z.object({ xmin: z.number(), ymin: z.number(), xmax: z.number(), ymax: z.number() });

/** What an evaluation scored (its snapshotKey blob): the labels as they were then and every detection. */
export const evaluationSnapshotSchema = z.object({
  classes: z.array(z.string()),
  images: z.array(
    z.object({
      imageId: z.string(),
      fileName: z.string().optional(),
      width: z.number().optional(),
      height: z.number().optional(),
      boxes: z.array(
        z.object({
          className: z.string(),
          box: pixelBoxSchema,
          difficult: z.boolean().optional(),
          iscrowd: z.boolean().optional(),
          ignore: z.boolean().optional(),
          area: z.number().optional(),
        }),
      ),
    }),
  ),
  detections: z.array(z.object({ imageId: z.string(), className: z.string(), box: pixelBoxSchema, score: z.number() })),
}) satisfies z.ZodType<EvaluationInput>;
export type EvaluationSnapshot = z.infer<typeof evaluationSnapshotSchema>;

export const evaluationSnapshotBlob = storedBlob("evaluation snapshot", evaluationSnapshotSchema);
