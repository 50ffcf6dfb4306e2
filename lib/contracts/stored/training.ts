import { z } from "zod";
import { TRAINING_PRESET_NAMES } from "@/lib/domain/detector-families";
import { COMPUTE_BACKENDS } from "@/lib/domain/states";
import { PHASE_STEPS, TRAINING_PHASES } from "@/lib/domain/training-phases";
import { storedColumn } from "./parse";

export const augmentSchema = z.object({
  scale: z.number().min(0).max(0.9),
  translate: z.number().min(0).max(0.5),
  brightness: z.number().min(0).max(0.9),
  contrast: z.number().min(0).max(0.9),
  saturation: z.number().min(0).max(1),
});

/**
 * A training job's settings as asked for (a preset and any overrides): what the API and `npm run
 * train` accept, what the job stores, and what a worker resolves against the presets
 * (lib/server/training/training-config.ts) when it runs the job.
 */
export const trainingConfigSchema = z.object({
  preset: z.enum(TRAINING_PRESET_NAMES).default("quick-cpu"),
  width: z.enum(["n", "s"]).optional(),
  backbone: z.enum(["face-mobilenet-v1", "scratch"]).optional(),
  freezeBackbone: z.boolean().optional(),
  /** training on images: the backbone stays frozen for this many epochs, then is fine-tuned too */
  frozenEpochs: z.number().int().min(0).max(500).optional(),
  inputSize: z.number().int().min(128).max(1024).multipleOf(32).optional(),
  epochs: z.number().int().min(1).max(500).optional(),
  /** stop after this many minutes of training, keeping the best epoch so far */
  minutes: z.number().positive().max(24 * 60).optional(),
  batchSize: z.number().int().min(1).max(128).optional(),
  learningRate: z.number().positive().max(1).optional(),
  flip: z.boolean().optional(),
  /** random scale/shift and colour jitter (each a spread; 0 turns it off) */
  augment: augmentSchema.partial().optional(),
  /** the probability that a training sample is a mosaic of four images (one-stage, on images) */
  mosaic: z.number().min(0).max(1).optional(),
  /** frozen backbone: jittered copies of each training image cached besides the plain and mirrored ones */
  cachedAugmentations: z.number().int().min(0).max(8).optional(),
  /** show images holding rare classes more often (repeat-factor sampling) */
  classAwareSampling: z.boolean().default(true),
  /** after the detector, train the mask judge (lib/detection/judge): masks judged on full-resolution face crops; left out if it lowers val mAP50 by more than 0.02 */
  maskJudge: z.boolean().default(true),
  /** after training, also measure val at 1.5× and 2× the input size and detect at the best (lib/server/training/detection-size.ts); false: detect at the training size */
  largerDetectionSizes: z.boolean().default(true),
  seed: z.number().int().min(0).default(1),
  /**
   * label audit instead of one model: k ≥ 2 trains one model per fold of every labelled image and
   * stores each image's predictions from the model that did not train on it (0: off)
   */
  crossValidationFolds: z.union([z.literal(0), z.number().int().min(2).max(10)]).default(0),
  backend: z.enum(["auto", "wasm", "cpu", "webgpu"]).default("auto"),
});
export type TrainingConfigInput = z.input<typeof trainingConfigSchema>;

export const trainingJobConfigColumn = storedColumn("TrainingJob", "config", trainingConfigSchema);

/** Figures a log line carries (an epoch's losses and val mAP, the ids a step produced): plain JSON by name. */
export const logFiguresSchema = z.record(z.string(), z.json());
export type LogFigures = z.infer<typeof logFiguresSchema>;

export const trainingLogMetricsColumn = storedColumn("TrainingLog", "metrics", logFiguresSchema.nullable());

/** The figures of an epoch's "metric" log line: what the job page charts. */
export const epochMetricsSchema = z.object({
  epoch: z.number().int(),
  loss: z.number(),
  classificationLoss: z.number(),
  boxLoss: z.number(),
  /** each loss term of the detector family, averaged over the epoch's steps */
  lossParts: z.record(z.string(), z.number()),
  valMAP50: z.number(),
  valMAP50to95: z.number(),
  valPerClassAP50: z.record(z.string(), z.number()),
  imagesPerSecond: z.number(),
  etaSeconds: z.number(),
});
export type EpochMetrics = z.infer<typeof epochMetricsSchema>;

/**
 * The figures of a phase line (start, progress, end): which phase and how far, in the phase's unit.
 * The job page reads its current phase and ETA from these (lib/domain/training-phases.ts).
 */
export const phaseFiguresSchema = z.object({
  phase: z.enum(TRAINING_PHASES),
  step: z.enum(PHASE_STEPS),
  done: z.number().min(0),
  total: z.number().min(0).nullable(),
  /** on an end line: how long the phase took */
  seconds: z.number().min(0).optional(),
});
export type PhaseFigures = z.infer<typeof phaseFiguresSchema>;

/** What a worker said about itself when it registered, e.g. {"backend":"wasm","jobKinds":["one_stage"]}. */
export const workerCapabilitiesSchema = z.object({
  runtime: z.string().optional(),
  backend: z.enum(COMPUTE_BACKENDS).optional(),
  /** why the worker chose its backend */
  backendReason: z.string().optional(),
  gpu: z.string().nullable().optional(),
  /** the job kinds it claims (it has a runner for) */
  jobKinds: z.array(z.string()).optional(),
  /** set by a process that runs only its own job (`npm run train`): it claims nothing from the queue */
  via: z.string().optional(),
});
export type WorkerCapabilities = z.infer<typeof workerCapabilitiesSchema>;

export const workerCapabilitiesColumn = storedColumn("Worker", "capabilities", workerCapabilitiesSchema.nullable());

/** A remote worker's resumable upload: the blob keys of the chunks received so far, in order. */
export const blobUploadChunkKeysColumn = storedColumn("BlobUpload", "chunkKeys", z.array(z.string().regex(/^[0-9a-f]{64}$/)));
