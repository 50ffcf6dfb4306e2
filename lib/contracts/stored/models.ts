import { z } from "zod";
import { COMPUTE_BACKENDS, DETECTION_SIZE_CRITERIA } from "@/lib/domain/states";
import { classNamesSchema } from "./datasets";
import { storedBlob, storedColumn } from "./parse";
import { trainingConfigSchema } from "./training";

/** The classes a model version predicts, in the order of its outputs. */
export const modelClassesColumn = storedColumn("ModelVersion", "classes", classNamesSchema);

/** A split's figures while training: COCO mAP50 and mAP50-95, AP50 per class. */
export const splitMetricsSchema = z.object({
  mAP50: z.number(),
  mAP50to95: z.number(),
  perClassAP50: z.record(z.string(), z.number()),
});

/**
 * How a model version was trained: the selected epoch and its val figures, the data and settings
 * it saw. A version registered without a training job (test fixtures, a model brought in) has none
 * of it, so every entry is optional.
 */
export const trainingMetricsSchema = z
  .object({
    selectedEpoch: z.number().int(),
    selectedBy: z.string(),
    val: splitMetricsSchema,
    trainImages: z.number().int(),
    valImages: z.number().int(),
    /** sha256 over the labels trained on, so two models can be told apart by their data */
    labelSnapshot: z.string(),
    /** the settings as resolved against the preset */
    config: trainingConfigSchema,
    backend: z.enum(COMPUTE_BACKENDS),
    trainingSeconds: z.number(),
    /**
     * the input size it detects at (masklab.json's inputSize), chosen on val among its training
     * size and larger ones (lib/server/training/detection-size.ts), with each candidate's val figures
     * (faces-only AP50 measured where the size was chosen on it; `chosenBy` absent: mAP50);
     * absent for models trained before the choice, which detect at their training size
     */
    detectionSize: z.object({
      size: z.number().int(),
      chosenBy: z.enum(DETECTION_SIZE_CRITERIA).optional(),
      valBySize: z.array(z.object({ size: z.number().int(), mAP50: z.number(), mAP50to95: z.number(), facesAP50: z.number().optional() })),
    }),
    /**
     * the mask judge: val figures of the detector's own classes and with the judge's, whether it was
     * kept, the crops it trained on, and of those the detector's finds and its false finds (not a
     * face; absent for judges trained before they learned it)
     */
    judge: z.object({ kept: z.boolean(), faces: z.number().int(), finds: z.number().int().optional(), falseFinds: z.number().int().optional(), seconds: z.number(), valWithout: splitMetricsSchema, valWith: splitMetricsSchema }),
    /** the code it was trained with; null outside a git checkout */
    gitCommit: z.string().nullable(),
  })
  .partial();
export type TrainingMetrics = z.infer<typeof trainingMetricsSchema>;

export const modelTrainingMetricsColumn = storedColumn("ModelVersion", "trainingMetrics", trainingMetricsSchema.nullable());

/** A model version's artifact (its artifactKey blob): file name → blob key of the file. */
export const artifactIndexSchema = z.object({ files: z.record(z.string(), z.string()) });
export type ArtifactIndex = z.infer<typeof artifactIndexSchema>;

export const artifactIndexBlob = storedBlob("model artifact index", artifactIndexSchema);
