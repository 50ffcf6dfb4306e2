import { z } from "zod";
import { TRAINING_PRESET_NAMES } from "@/lib/domain/detector-families";
import { JOB_KINDS, JOB_LOG_LEVELS, JOB_STATUSES } from "@/lib/domain/states";
import { augmentSchema, trainingConfigSchema } from "../stored/training";
import { timestampSchema } from "./json";

/** A training preset's settings as the New training job form starts from them (per detector family). */
export const trainingPresetValuesSchema = z.object({
  width: trainingConfigSchema.shape.width.unwrap(),
  backbone: trainingConfigSchema.shape.backbone.unwrap(),
  freezeBackbone: z.boolean(),
  frozenEpochs: z.number().int(),
  inputSize: z.number().int(),
  epochs: z.number().int(),
  batchSize: z.number().int(),
  learningRate: z.number(),
  flip: z.boolean(),
  augment: augmentSchema,
  mosaic: z.number(),
  cachedAugmentations: z.number().int(),
});
export type TrainingPresetValues = z.infer<typeof trainingPresetValuesSchema>;

export const presetDefaultsSchema = z.record(z.enum(JOB_KINDS), z.record(z.enum(TRAINING_PRESET_NAMES), trainingPresetValuesSchema));
export type PresetDefaults = z.infer<typeof presetDefaultsSchema>;

/** One row of the training jobs list. */
export const trainingJobRowSchema = z.object({
  id: z.string(),
  kind: z.string(),
  status: z.string(),
  progress: z.number(),
  createdAt: timestampSchema,
  /** its first start and its end: its duration is jobDurationMs (lib/domain/training-phases.ts) of these */
  startedAt: timestampSchema.nullable(),
  finishedAt: timestampSchema.nullable(),
  workerId: z.string().nullable(),
  backend: z.string().nullable(),
  dataset: z.object({ name: z.string() }),
  modelVersion: z.object({ id: z.string(), name: z.string(), version: z.number().int() }).nullable(),
  /** the model's newest evaluation on its dataset's test split (its page) and its mAP50; null before it is scored */
  testEvaluation: z.object({ id: z.string(), mAP50: z.number() }).nullable(),
});

/** GET /api/training-jobs, newest first. */
export const trainingJobListSchema = z.object({ jobs: z.array(trainingJobRowSchema) });

/** A training job as its page follows it. */
export const trainingJobViewSchema = z.object({
  id: z.string(),
  kind: z.string(),
  status: z.enum(JOB_STATUSES),
  progress: z.number(),
  error: z.string().nullable(),
  backend: z.string().nullable(),
  attempts: z.number().int(),
  config: z.record(z.string(), z.unknown()),
  createdAt: timestampSchema,
  startedAt: timestampSchema.nullable(),
  finishedAt: timestampSchema.nullable(),
  dataset: z.object({ id: z.string(), name: z.string() }),
  modelVersion: z.object({ id: z.string(), name: z.string(), version: z.number().int() }).nullable(),
  /** a cross-validation job's stored out-of-fold evaluation */
  evaluations: z.array(z.object({ id: z.string(), split: z.string() })),
  createdBy: z.object({ email: z.string() }).nullable(),
});
export type TrainingJobView = z.infer<typeof trainingJobViewSchema>;

export const trainingLogLineSchema = z.object({
  id: z.string(),
  at: timestampSchema,
  level: z.enum(JOB_LOG_LEVELS),
  message: z.string(),
  metrics: z.record(z.string(), z.unknown()).nullable(),
});
export type TrainingLogLine = z.infer<typeof trainingLogLineSchema>;

/** GET /api/training-jobs/:id?after=<log id>: the job now, and the log lines after the one the caller has. */
export const trainingJobDetailSchema = z.object({ job: trainingJobViewSchema, logs: z.array(trainingLogLineSchema) });
export type TrainingJobDetail = z.infer<typeof trainingJobDetailSchema>;

/** POST /api/training-jobs → 201: queued for the next free worker. */
export const launchedTrainingJobSchema = z.object({ id: z.string() });

/** POST /api/training-jobs/:id/cancel: a running job stops at its worker's next heartbeat. */
export const cancelResultSchema = z.object({ result: z.enum(["cancelled", "cancelling", "already_finished"]) });
export type CancelResult = z.infer<typeof cancelResultSchema>["result"];
