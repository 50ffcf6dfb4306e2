import * as tf from "@tensorflow/tfjs";
import { faceMobileNetV1, type NamedWeights } from "../backbones/face-mobilenet-v1";
import { featureInputs, featurePyramid } from "../common/feature-pyramid";
import { anchorsPerCell, TWO_STAGE_LEVELS } from "./anchors";
import { DEFAULT_ROI_ALIGN } from "./roi-align";

/**
 * Masklab two-stage detector ("MLD-2S"), Faster R-CNN-style: the shared feature pyramid over the
 * face backbone, a region proposal network with face-sized anchors on strides 8/16/32, ROI-Align
 * (7×7, multi-level), a 1×1 reduction and a two-layer box head with softmax classes (background + the dataset's)
 * and class-agnostic box deltas.
 *
 * Stage 1 ("proposer": features → RPN output + pyramid) and stage 2 ("ROI head": pooled ROI
 * features → class logits + deltas) are separate models, because proposals and ROI-Align sit
 * between them. The saved artifact is one LayersModel holding both, with inputs
 * [stage 1 inputs…, pooled ROIs] and outputs [RPN, P3, P4, P5, class logits, deltas];
 * twoStageParts() takes it apart again (in Node and in the browser alike).
 */
export const TWO_STAGE_WIDTHS = { n: 64, s: 128 } as const;
export type TwoStageWidth = keyof typeof TWO_STAGE_WIDTHS;
export const TWO_STAGE_STRIDES = TWO_STAGE_LEVELS.map((l) => l.stride);

const PROPOSER = "mld2s_proposer";
const ROI_HEAD = "mld2s_roi_head";

function initializers(seed: number) {
  let counter = seed;
  return {
    he: () => tf.initializers.heNormal({ seed: counter++ }),
    /** Detectron2 starts its prediction layers near zero: small deltas, even objectness. */
    small: (stddev: number) => tf.initializers.randomNormal({ mean: 0, stddev, seed: counter++ }),
  };
}

/** Stage 1 over the backbone's three feature maps → [RPN output [N, A, 5], P3, P4, P5]. */
export function buildProposer(inputSize: number, width: TwoStageWidth, seed = 1): tf.LayersModel {
  const channels = TWO_STAGE_WIDTHS[width];
  const init = initializers(seed);
  const conv = (name: string, filters: number, kernelSize: number, activation: "relu" | "linear" = "relu") =>
    tf.layers.conv2d({ name, filters, kernelSize, padding: "same", activation, kernelInitializer: init.he() });
  const inputs = featureInputs(inputSize);
  const pyramid = featurePyramid(inputs, channels, conv);
  const rpn = pyramid.map((level, i) => {
    const hidden = conv(`rpn_conv_${i}`, channels, 3).apply(level);
    // Per cell: anchors × (objectness logit, dx, dy, dw, dh), the order of twoStageAnchors.
    const out = tf.layers.conv2d({ name: `rpn_out_${i}`, filters: anchorsPerCell(i) * 5, kernelSize: 1, kernelInitializer: init.small(0.01) }).apply(hidden);
    return tf.layers.reshape({ name: `rpn_flat_${i}`, targetShape: [-1, 5] }).apply(out) as tf.SymbolicTensor;
  });
  const rpnOut = tf.layers.concatenate({ name: "rpn_anchors", axis: 1 }).apply(rpn) as tf.SymbolicTensor;
  return tf.model({ name: PROPOSER, inputs, outputs: [rpnOut, ...pyramid] });
}

/** Stage 2: pooled ROI features [R, 7, 7, C] → [class logits [R, K + 1] (0 = background), deltas [R, 4]]. */
export function buildRoiHead(numClasses: number, width: TwoStageWidth, seed = 101): tf.LayersModel {
  const channels = TWO_STAGE_WIDTHS[width];
  const init = initializers(seed);
  const size = DEFAULT_ROI_ALIGN.outputSize;
  const input = tf.input({ name: "rois", shape: [size, size, channels] });
  // A thin 1×1 reduction before the fully connected layers (as Light-Head R-CNN does): the first
  // dense layer's matrix products were three quarters of a training step on the wasm backend.
  const reduced = tf.layers.conv2d({ name: "roi_reduce", filters: channels / 2, kernelSize: 1, activation: "relu", kernelInitializer: init.he() }).apply(input);
  const flat = tf.layers.flatten({ name: "roi_flatten" }).apply(reduced);
  const fc1 = tf.layers.dense({ name: "roi_fc1", units: channels * 2, activation: "relu", kernelInitializer: init.he() }).apply(flat);
  const fc2 = tf.layers.dense({ name: "roi_fc2", units: channels * 2, activation: "relu", kernelInitializer: init.he() }).apply(fc1);
  const logits = tf.layers.dense({ name: "roi_cls", units: numClasses + 1, kernelInitializer: init.small(0.01) }).apply(fc2) as tf.SymbolicTensor;
  const deltas = tf.layers.dense({ name: "roi_box", units: 4, kernelInitializer: init.small(0.001) }).apply(fc2) as tf.SymbolicTensor;
  return tf.model({ name: ROI_HEAD, inputs: input, outputs: [logits, deltas] });
}

/**
 * Both stages in one model. With `backbone` the first input is the image (normalised pixels) and
 * the backbone is part of the model ("pretrained" weights or from scratch); without, stage 1
 * takes cached backbone features (the frozen-backbone CPU path).
 */
export function buildTwoStageModel(inputSize: number, width: TwoStageWidth, proposer: tf.LayersModel, roiHead: tf.LayersModel, backbone?: { weights?: NamedWeights }): tf.LayersModel {
  const stageInputs = backbone ? [tf.input({ name: "image", shape: [inputSize, inputSize, 3] })] : featureInputs(inputSize);
  const features = backbone ? faceMobileNetV1(stageInputs[0]!, backbone.weights) : stageInputs;
  const stageOutputs = proposer.apply(features) as tf.SymbolicTensor[];
  const rois = tf.input({ name: "rois", shape: roiHead.inputs[0]!.shape.slice(1) as number[] });
  const headOutputs = roiHead.apply(rois) as tf.SymbolicTensor[];
  return tf.model({ name: backbone ? `mld2s_${width}` : `mld2s_${width}_heads`, inputs: [...stageInputs, rois], outputs: [...stageOutputs, ...headOutputs] });
}

export interface TwoStageParts {
  /** the whole model: what is saved, checkpointed and optimised */
  model: tf.LayersModel;
  /** stage inputs → [RPN output, P3, P4, P5] */
  stage1: tf.LayersModel;
  /** pooled ROI features → [class logits, deltas] */
  roiHead: tf.LayersModel;
}

/** Splits a two-stage model (freshly built or loaded from files) into its stages; weights are shared. */
export function twoStageParts(model: tf.LayersModel): TwoStageParts {
  const stage1 = tf.model({ inputs: model.inputs.slice(0, -1), outputs: model.outputs.slice(0, 4) });
  return { model, stage1, roiHead: nestedModels(model).roiHead };
}

/** The proposer and ROI head a two-stage model is made of (to rebuild it with another stage-1 input). */
export function nestedModels(model: tf.LayersModel): { proposer: tf.LayersModel; roiHead: tf.LayersModel } {
  return { proposer: model.getLayer(PROPOSER) as unknown as tf.LayersModel, roiHead: model.getLayer(ROI_HEAD) as unknown as tf.LayersModel };
}
