import { z } from "zod";
import type { PresetDefaults, TrainingPresetValues } from "@/lib/contracts/http/training";
import { augmentSchema, trainingConfigSchema } from "@/lib/contracts/stored/training";
import { DETECTOR_FAMILY_CATALOGUE, DETECTOR_FAMILY_IDS, TRAINING_PRESET_NAMES, type DetectorFamilyId, type PresetOverride, type TrainingPresetName } from "@/lib/domain/detector-families";

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
} as const satisfies Record<TrainingPresetName, unknown>;

/** The families that train on mosaics, named for the error that refuses one elsewhere. */
const MOSAIC_FAMILIES = DETECTOR_FAMILY_IDS.filter((id) => DETECTOR_FAMILY_CATALOGUE[id].mosaic).map((id) => DETECTOR_FAMILY_CATALOGUE[id].name).join(" or ");

export type ResolvedTrainingConfig = Required<Omit<z.infer<typeof trainingConfigSchema>, "minutes" | "augment">> & { minutes?: number; augment: z.infer<typeof augmentSchema> };

/** The preset's values (adjusted for the detector family) under the job's overrides. */
export function resolveTrainingConfig(input: unknown, kind: DetectorFamilyId): ResolvedTrainingConfig {
  const parsed = trainingConfigSchema.parse(input);
  const overrides: Partial<Record<TrainingPresetName, PresetOverride>> = DETECTOR_FAMILY_CATALOGUE[kind].presetOverrides;
  const preset = { ...TRAINING_PRESETS[parsed.preset], ...overrides[parsed.preset] };
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
    maskJudge: parsed.maskJudge,
    largerDetectionSizes: parsed.largerDetectionSizes,
    seed: parsed.seed,
    crossValidationFolds: parsed.crossValidationFolds,
    backend: parsed.backend,
    minutes: parsed.minutes,
  };
  if (resolved.freezeBackbone && resolved.backbone === "scratch") throw new z.ZodError([{ code: "custom", path: ["freezeBackbone"], message: "a backbone trained from scratch cannot be frozen", input: true }]);
  if (resolved.mosaic > 0 && (!DETECTOR_FAMILY_CATALOGUE[kind].mosaic || resolved.freezeBackbone)) throw new z.ZodError([{ code: "custom", path: ["mosaic"], message: `mosaic needs an ${MOSAIC_FAMILIES} model trained on images (not cached features)`, input: resolved.mosaic }]);
  return resolved;
}

/** Every preset's resolved settings for every detector family: what the New training job form starts from. */
export function presetDefaults(): PresetDefaults {
  const pick = (kind: DetectorFamilyId, preset: TrainingPresetName): TrainingPresetValues => {
    const { width, backbone, freezeBackbone, frozenEpochs, inputSize, epochs, batchSize, learningRate, flip, augment, mosaic, cachedAugmentations } = resolveTrainingConfig({ preset }, kind);
    return { width, backbone, freezeBackbone, frozenEpochs, inputSize, epochs, batchSize, learningRate, flip, augment, mosaic, cachedAugmentations };
  };
  return Object.fromEntries(DETECTOR_FAMILY_IDS.map((kind) => [kind, Object.fromEntries(TRAINING_PRESET_NAMES.map((preset) => [preset, pick(kind, preset)]))])) as PresetDefaults;
}

/** Warm-up then cosine decay to 5 % of the peak, per optimisation step. */
export function learningRateAt(step: number, totalSteps: number, peak: number, warmupSteps = 50): number {
  const warm = Math.min(1, (step + 1) / warmupSteps);
  const progress = Math.min(1, step / Math.max(1, totalSteps));
  return peak * warm * (0.05 + 0.95 * 0.5 * (1 + Math.cos(Math.PI * progress)));
}
