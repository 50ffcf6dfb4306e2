import * as tf from "@tensorflow/tfjs";
import type { Architecture, ModelMetadata } from "./artifact";
import type { NamedWeights } from "./backbones/face-mobilenet-v1";
import type { GroundTruth } from "./one-stage/assigner";
import { gridTensors } from "./one-stage/loss";
import { buildOneStageDetector, buildOneStageHead, ONE_STAGE_STRIDES } from "./one-stage/model";
import { pointGrid } from "./one-stage/points";
import { LETTERBOX_FILL } from "./preprocess";
import { oneStageTrainStep } from "./one-stage/train-step";
import { DEFAULT_ANCHOR_LAYOUT, twoStageAnchors } from "./two-stage/anchors";
import { buildProposer, buildRoiHead, buildTwoStageModel, nestedModels, TWO_STAGE_STRIDES, twoStageParts } from "./two-stage/model";
import { twoStageTrainStep } from "./two-stage/train-step";

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
  architecture: Architecture;
  /** model-name suffix, e.g. "mld1s" */
  label: string;
  buildTrainable(options: RecipeOptions, backbone?: { weights?: NamedWeights }): tf.LayersModel;
  withBackbone(heads: tf.LayersModel, options: RecipeOptions, weights?: NamedWeights): tf.LayersModel;
  /** a step function bound to one model and input size (grids and anchors made once) */
  stepper(model: tf.LayersModel, options: RecipeOptions, random: () => number): (optimizer: tf.Optimizer, inputs: tf.Tensor | tf.Tensor[], truths: GroundTruth[][]) => Promise<StepLoss>;
  metadata(inputSize: number): Pick<ModelMetadata, "architecture" | "strides" | "anchors">;
}

const oneStage: DetectorRecipe = {
  architecture: "mld1s",
  label: "mld1s",
  buildTrainable(o, backbone) {
    const head = buildOneStageHead(o.inputSize, o.numClasses, o.width, o.seed);
    return backbone ? buildOneStageDetector(o.inputSize, o.numClasses, o.width, backbone.weights, head) : head;
  },
  withBackbone: (head, o, weights) => buildOneStageDetector(o.inputSize, o.numClasses, o.width, weights, head),
  stepper(model, o) {
    const grid = pointGrid(o.inputSize, ONE_STAGE_STRIDES);
    const constants = gridTensors(grid);
    return async (optimizer, inputs, truths) => {
      const r = await oneStageTrainStep(model, optimizer, inputs, truths, grid, constants, o.numClasses);
      return { total: r.total, classification: r.classification, box: r.box, parts: { classification: r.classification, box: r.box, positives: r.positives } };
    };
  },
  metadata: () => ({ architecture: "mld1s", strides: [...ONE_STAGE_STRIDES] }),
};

const twoStage: DetectorRecipe = {
  architecture: "mld2s",
  label: "mld2s",
  buildTrainable: (o, backbone) => buildTwoStageModel(o.inputSize, o.width, buildProposer(o.inputSize, o.width, o.seed), buildRoiHead(o.numClasses, o.width, o.seed + 100), backbone),
  withBackbone(heads, o, weights) {
    const { proposer, roiHead } = nestedModels(heads);
    return buildTwoStageModel(o.inputSize, o.width, proposer, roiHead, { weights });
  },
  stepper(model, o, random) {
    const parts = twoStageParts(model);
    const anchors = twoStageAnchors(o.inputSize, DEFAULT_ANCHOR_LAYOUT);
    return async (optimizer, inputs, truths) => {
      const r = await twoStageTrainStep(parts, optimizer, inputs, truths, anchors, o.inputSize, random);
      return {
        total: r.total,
        classification: r.rpnObjectness + r.roiClassification,
        box: r.rpnBox + r.roiBox,
        parts: { rpnObjectness: r.rpnObjectness, rpnBox: r.rpnBox, roiClassification: r.roiClassification, roiBox: r.roiBox, positiveAnchors: r.positives, foregroundRois: r.foreground },
      };
    };
  },
  metadata: () => ({
    architecture: "mld2s",
    strides: [...TWO_STAGE_STRIDES],
    anchors: { levels: DEFAULT_ANCHOR_LAYOUT.levels.map((l) => ({ stride: l.stride, sizes: [...l.sizes] })), ratios: [...DEFAULT_ANCHOR_LAYOUT.ratios] },
  }),
};

export const RECIPES = { one_stage: oneStage, two_stage: twoStage } as const;

/** Serving defaults recorded in masklab.json: boxes from 25 % confidence, class-agnostic NMS at IoU 0.6, 100 per image. */
export const DEFAULT_POSTPROCESS = { scoreThreshold: 0.25, iouThreshold: 0.6, maxDetections: 100 };

/** masklab.json of a model this recipe builds: everything inference needs, in Node and the browser. */
export function detectorMetadata(recipe: DetectorRecipe, settings: { width: Width; backbone: string; classes: string[]; inputSize: number }): ModelMetadata {
  return {
    format: "masklab-detector/1",
    ...recipe.metadata(settings.inputSize),
    ...settings,
    preprocessing: { letterboxFill: LETTERBOX_FILL, normalize: "pixels/127.5-1" },
    postprocessing: DEFAULT_POSTPROCESS,
  };
}
export type DetectorKind = keyof typeof RECIPES;
