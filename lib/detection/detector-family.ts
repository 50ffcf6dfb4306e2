import type * as tf from "@tensorflow/tfjs";
import type { DetectorFamilyId } from "@/lib/domain/detector-families";
import type { ModelMetadata } from "@/lib/contracts/artifact";
import type { NamedWeights } from "./backbones/face-mobilenet-v1";
import type { GroundTruth } from "./common/ground-truth";
import type { Detector } from "./detector";

export type Width = "n" | "s";

export interface RecipeOptions {
  inputSize: number;
  numClasses: number;
  width: Width;
  seed: number;
}

/** Loss of one step: the total, the classification and box sums the job page plots, and every named part. */
export interface StepLoss {
  total: number;
  classification: number;
  box: number;
  parts: Record<string, number>;
}

/**
 * What a training job needs to know about a detector family: how to build what it trains (heads
 * over cached backbone features when the backbone is frozen, else the whole detector), how to
 * put the backbone back in front of trained heads, one optimisation step, and the architecture
 * facts masklab.json records. The job runner is the same for every family.
 */
export interface DetectorRecipe {
  buildTrainable(options: RecipeOptions, backbone?: { weights?: NamedWeights }): tf.LayersModel;
  withBackbone(heads: tf.LayersModel, options: RecipeOptions, weights?: NamedWeights): tf.LayersModel;
  /** a step function bound to one model and input size (grids and anchors made once) */
  stepper(model: tf.LayersModel, options: RecipeOptions, random: () => number): (optimizer: tf.Optimizer, inputs: tf.Tensor | tf.Tensor[], truths: GroundTruth[][]) => Promise<StepLoss>;
  metadata(inputSize: number): Pick<ModelMetadata, "strides" | "anchors">;
}

/**
 * A detector family: its training recipe and how one of its models (loaded from an artifact, or
 * being trained) detects. Its words (name, label, architecture, preset adjustments) are its entry
 * in lib/domain/detector-families.ts; the family is registered in ./families.ts.
 */
export interface DetectorFamily {
  id: DetectorFamilyId;
  recipe: DetectorRecipe;
  /** the model as a Detector; the detector owns it (dispose() frees its weights) */
  detector(model: tf.LayersModel, metadata: ModelMetadata): Detector;
}
