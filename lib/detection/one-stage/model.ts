import * as tf from "@tensorflow/tfjs";
import { FACE_MOBILENET_FEATURES, faceMobileNetV1, type NamedWeights } from "../backbones/face-mobilenet-v1";
import { featureInputs, featurePyramid } from "../common/feature-pyramid";

/**
 * Masklab one-stage detector ("MLD-1S"): anchor-free, multi-scale (strides 8/16/32), a small
 * top-down feature pyramid, and decoupled classification / box branches per level, trained with
 * task-aligned assignment and a GIoU box loss. YOLO-style in spirit (YOLOv8's head and
 * assigner); it is not Ultralytics' network and uses none of its weights.
 *
 * The head is its own model over the backbone's feature maps, so the CPU path can cache frozen
 * backbone features and train the head alone; the full detector is backbone + head.
 */
export const ONE_STAGE_STRIDES = FACE_MOBILENET_FEATURES.map((f) => f.stride);
export const ONE_STAGE_WIDTHS = { n: 64, s: 128 } as const;
export type OneStageWidth = keyof typeof ONE_STAGE_WIDTHS;

/** Class logits start at −4.6: a 1 % prior, so the many background points do not swamp early training. */
const CLASS_PRIOR_BIAS = -Math.log((1 - 0.01) / 0.01);

export function buildOneStageHead(inputSize: number, numClasses: number, width: OneStageWidth, seed = 1): tf.LayersModel {
  const channels = ONE_STAGE_WIDTHS[width];
  let seedCounter = seed;
  const init = () => tf.initializers.heNormal({ seed: seedCounter++ });
  const conv = (name: string, filters: number, kernelSize: number, activation: "relu" | "linear" = "relu", biasInitializer?: ReturnType<typeof tf.initializers.constant>) =>
    tf.layers.conv2d({ name, filters, kernelSize, padding: "same", activation, kernelInitializer: init(), biasInitializer });
  const inputs = featureInputs(inputSize);
  const outputs = featurePyramid(inputs, channels, conv).map((smooth, i) => {
    const box = conv(`head_box_out_${i}`, 4, 1, "linear", tf.initializers.constant({ value: 1 })).apply(conv(`head_box_${i}`, channels, 3).apply(smooth)) as tf.SymbolicTensor;
    const cls = conv(`head_cls_out_${i}`, numClasses, 1, "linear", tf.initializers.constant({ value: CLASS_PRIOR_BIAS })).apply(conv(`head_cls_${i}`, channels, 3).apply(smooth)) as tf.SymbolicTensor;
    const joined = tf.layers.concatenate({ name: `head_join_${i}`, axis: -1 }).apply([box, cls]) as tf.SymbolicTensor;
    return tf.layers.reshape({ name: `head_flat_${i}`, targetShape: [-1, 4 + numClasses] }).apply(joined) as tf.SymbolicTensor;
  });
  const output = tf.layers.concatenate({ name: "head_points", axis: 1 }).apply(outputs) as tf.SymbolicTensor;
  return tf.model({ name: `mld1s_${width}_head`, inputs, outputs: output });
}

/** Backbone (pretrained when weights are given, else from scratch) + head: normalised pixels in, raw points out. */
export function buildOneStageDetector(inputSize: number, numClasses: number, width: OneStageWidth, weights?: NamedWeights, head = buildOneStageHead(inputSize, numClasses, width)): tf.LayersModel {
  const input = tf.input({ name: "image", shape: [inputSize, inputSize, 3] });
  const features = faceMobileNetV1(input, weights);
  const output = head.apply(features) as tf.SymbolicTensor;
  return tf.model({ name: `mld1s_${width}`, inputs: input, outputs: output });
}
