/**
 * The detector families Masklab trains and serves, one entry each: a training job's kind, a model
 * version's kind and masklab.json's architecture all come from here. Each family's models (its
 * training recipe and its load/detect/dispose) live in its own folder under lib/detection and are
 * registered under the same id in lib/detection/families.ts.
 */

/** The training presets a family may adjust; their values are in lib/server/training/training-config.ts. */
export const TRAINING_PRESET_NAMES = ["quick-cpu", "full-gpu"] as const;
export type TrainingPresetName = (typeof TRAINING_PRESET_NAMES)[number];

/** Where a family departs from a preset's values. */
export interface PresetOverride {
  epochs?: number;
  mosaic?: number;
  cachedAugmentations?: number;
}

export interface DetectorFamilyFacts {
  /** how tables, logs and benchmarks name it */
  name: string;
  /** its choice in the New training job form */
  label: string;
  /** masklab.json's `architecture`, and the model-name suffix of what it trains (`<dataset>-mld1s-n`) */
  architecture: string;
  /** its masklab.json records its anchors, so inference never depends on today's defaults */
  anchors: boolean;
  /** trains on mosaics (four images in one sample, YOLO's recipe) when it trains on images */
  mosaic: boolean;
  presetOverrides: Partial<Record<TrainingPresetName, PresetOverride>>;
}

export const DETECTOR_FAMILY_CATALOGUE = {
  one_stage: {
    name: "MLD-1S",
    label: "One-stage (MLD-1S, anchor-free, YOLO-style)",
    architecture: "mld1s",
    anchors: false,
    mosaic: true,
    presetOverrides: {},
  },
  two_stage: {
    name: "MLD-2S",
    label: "Two-stage (MLD-2S, Faster R-CNN-style: RPN + ROI-Align)",
    architecture: "mld2s",
    anchors: true,
    mosaic: false,
    // A two-stage step costs about twice a one-stage one on wasm (RPN + ROI-Align + box head).
    // Quick CPU: 12 epochs keep it within 30 min on 2 cores (14 took 32–33); one jittered copy
    // cached per image (facemask-dev test mAP50 0.525–0.600 with it, 0.535 without: within noise).
    presetOverrides: { "quick-cpu": { epochs: 12, cachedAugmentations: 1 }, "full-gpu": { mosaic: 0 } },
  },
} as const satisfies Record<string, DetectorFamilyFacts>;

export type DetectorFamilyId = keyof typeof DETECTOR_FAMILY_CATALOGUE;
export const DETECTOR_FAMILY_IDS = Object.keys(DETECTOR_FAMILY_CATALOGUE) as [DetectorFamilyId, ...DetectorFamilyId[]];
/**
 * The family a new job starts from: the two-stage detector finds faces better and scores higher on
 * the recipe bench's folds (quick CPU preset with the mask judge: 0.631 out-of-fold mAP50 against
 * 0.544; docs/benchmarks.md), at about twice the cost of an epoch.
 */
export const RECOMMENDED_DETECTOR_FAMILY: DetectorFamilyId = "two_stage";

export type Architecture = (typeof DETECTOR_FAMILY_CATALOGUE)[DetectorFamilyId]["architecture"];
export const ARCHITECTURES = DETECTOR_FAMILY_IDS.map((id) => DETECTOR_FAMILY_CATALOGUE[id].architecture) as [Architecture, ...Architecture[]];

/** The family whose models carry this masklab.json architecture. */
export function familyOfArchitecture(architecture: Architecture): DetectorFamilyId {
  return DETECTOR_FAMILY_IDS.find((id) => DETECTOR_FAMILY_CATALOGUE[id].architecture === architecture)!;
}

/** How `npm run train --kind` names a family: its id with a dash ("one-stage"). */
export const cliNameOf = (id: DetectorFamilyId) => id.replace("_", "-");
