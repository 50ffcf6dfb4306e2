import { z } from "zod";
import type { PresetDefaults, TrainingPresetValues } from "@/lib/api-contracts";
import { JOB_KINDS, type JobKind } from "@/lib/domain/states";

/**
 * A training job's settings, validated when the job is queued and again when a worker runs it.
 * Presets are starting points; every field can be overridden per job.
 */
export const TRAINING_PRESETS = {
  /**
   * a laptop or this 2-core box: the face-trained backbone frozen, its features cached (as is and
   * mirrored, plus `cachedAugmentations` jittered copies), the heads trained
   */
  "quick-cpu": { width: "n", backbone: "face-mobilenet-v1", freezeBackbone: true, frozenEpochs: 0, inputSize: 416, epochs: 24, batchSize: 8, learningRate: 2e-3, flip: true, augment: { scale: 0.3, translate: 0.1, brightness: 0.3, contrast: 0.3, saturation: 0.5 }, mosaic: 0, cachedAugmentations: 0 },
  /** a GPU worker: the whole network fine-tuned end to end, every sample augmented afresh, half of them mosaics */
  "full-gpu": { width: "s", backbone: "face-mobilenet-v1", freezeBackbone: false, frozenEpochs: 5, inputSize: 512, epochs: 60, batchSize: 16, learningRate: 1e-3, flip: true, augment: { scale: 0.5, translate: 0.1, brightness: 0.4, contrast: 0.4, saturation: 0.7 }, mosaic: 0.5, cachedAugmentations: 0 },
} as const;
export type TrainingPreset = keyof typeof TRAINING_PRESETS;

/**
 * Where a detector family departs from a preset. A two-stage step costs about twice a one-stage
 * one on the wasm backend (RPN + ROI-Align + box head), so quick CPU runs fewer epochs to stay
 * within half an hour on a 2-core machine.
 */
export const KIND_PRESET_OVERRIDES: Record<JobKind, Partial<Record<TrainingPreset, { epochs?: number; mosaic?: number; cachedAugmentations?: number }>>> = {
  one_stage: {},
  // Quick CPU, two-stage: 12 epochs keep it within 30 min on 2 cores (14 took 32–33); one jittered
  // copy cached per image (facemask-dev test mAP50 0.525–0.600 with it, 0.535 without: within noise).
  // Mosaic is a one-stage recipe (YOLO's); the two-stage model trains on single images.
  two_stage: { "quick-cpu": { epochs: 12, cachedAugmentations: 1 }, "full-gpu": { mosaic: 0 } },
};

const augmentSchema = z.object({
  scale: z.number().min(0).max(0.9),
  translate: z.number().min(0).max(0.5),
  brightness: z.number().min(0).max(0.9),
  contrast: z.number().min(0).max(0.9),
  saturation: z.number().min(0).max(1),
});

export const trainingConfigSchema = z.object({
  preset: z.enum(["quick-cpu", "full-gpu"]).default("quick-cpu"),
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
  seed: z.number().int().min(0).default(1),
  /**
   * label audit instead of one model: k ≥ 2 trains one model per fold of every labelled image and
   * stores each image's predictions from the model that did not train on it (0: off)
   */
  crossValidationFolds: z.union([z.literal(0), z.number().int().min(2).max(10)]).default(0),
  backend: z.enum(["auto", "wasm", "cpu", "webgpu"]).default("auto"),
});
export type TrainingConfigInput = z.input<typeof trainingConfigSchema>;

export type ResolvedTrainingConfig = Required<Omit<z.infer<typeof trainingConfigSchema>, "minutes" | "augment">> & { minutes?: number; augment: z.infer<typeof augmentSchema> };

/** The preset's values (adjusted for the detector family) under the job's overrides. */
export function resolveTrainingConfig(input: unknown, kind: JobKind): ResolvedTrainingConfig {
  const parsed = trainingConfigSchema.parse(input);
  const preset = { ...TRAINING_PRESETS[parsed.preset], ...KIND_PRESET_OVERRIDES[kind][parsed.preset] };
  const resolved = {
    preset: parsed.preset,
    width: parsed.width ?? preset.width,
    backbone: parsed.backbone ?? preset.backbone,
    freezeBackbone: parsed.freezeBackbone ?? preset.freezeBackbone,
    frozenEpochs: parsed.frozenEpochs ?? preset.frozenEpochs,
    inputSize: parsed.inputSize ?? preset.inputSize,
    epochs: parsed.epochs ?? preset.epochs,
    batchSize: parsed.batchSize ?? preset.batchSize,
    learningRate: parsed.learningRate ?? preset.learningRate,
    flip: parsed.flip ?? preset.flip,
    augment: { ...preset.augment, ...parsed.augment },
    // A preset's mosaic applies only where it can (images, not cached features).
    mosaic: parsed.mosaic ?? ((parsed.freezeBackbone ?? preset.freezeBackbone) ? 0 : preset.mosaic),
    cachedAugmentations: parsed.cachedAugmentations ?? preset.cachedAugmentations,
    classAwareSampling: parsed.classAwareSampling,
    seed: parsed.seed,
    crossValidationFolds: parsed.crossValidationFolds,
    backend: parsed.backend,
    minutes: parsed.minutes,
  };
  if (resolved.freezeBackbone && resolved.backbone === "scratch") throw new z.ZodError([{ code: "custom", path: ["freezeBackbone"], message: "a backbone trained from scratch cannot be frozen", input: true }]);
  if (resolved.mosaic > 0 && (kind === "two_stage" || resolved.freezeBackbone)) throw new z.ZodError([{ code: "custom", path: ["mosaic"], message: "mosaic needs a one-stage model trained on images (not cached features)", input: resolved.mosaic }]);
  return resolved;
}

/** Every preset's resolved settings for every detector family: what the New training job form starts from. */
export function presetDefaults(): PresetDefaults {
  const pick = (kind: JobKind, preset: TrainingPreset): TrainingPresetValues => {
    const { width, backbone, freezeBackbone, frozenEpochs, inputSize, epochs, batchSize, learningRate, flip, augment, mosaic, cachedAugmentations } = resolveTrainingConfig({ preset }, kind);
    return { width, backbone, freezeBackbone, frozenEpochs, inputSize, epochs, batchSize, learningRate, flip, augment, mosaic, cachedAugmentations };
  };
  const presets = Object.keys(TRAINING_PRESETS) as TrainingPreset[];
  return Object.fromEntries(JOB_KINDS.map((kind) => [kind, Object.fromEntries(presets.map((preset) => [preset, pick(kind, preset)]))])) as PresetDefaults;
}

/** Warm-up then cosine decay to 5 % of the peak, per optimisation step. */
export function learningRateAt(step: number, totalSteps: number, peak: number, warmupSteps = 50): number {
  const warm = Math.min(1, (step + 1) / warmupSteps);
  const progress = Math.min(1, step / Math.max(1, totalSteps));
  return peak * warm * (0.05 + 0.95 * 0.5 * (1 + Math.cos(Math.PI * progress)));
}
