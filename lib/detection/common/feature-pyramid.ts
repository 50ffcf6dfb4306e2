import * as tf from "@tensorflow/tfjs";
import { FACE_MOBILENET_FEATURES } from "../backbones/face-mobilenet-v1";

type Conv = (name: string, filters: number, kernelSize: number, activation?: "relu" | "linear") => tf.layers.Layer;

/** Symbolic inputs for the backbone's three feature maps at an input size (what a head over cached features takes). */
export function featureInputs(inputSize: number): tf.SymbolicTensor[] {
  return FACE_MOBILENET_FEATURES.map((f) => tf.input({ name: `features_s${f.stride}`, shape: [Math.ceil(inputSize / f.stride), Math.ceil(inputSize / f.stride), f.channels] }));
}

/**
 * The neck both detectors share: a small top-down feature pyramid (FPN) over the backbone's
 * strides 8/16/32. 1×1 laterals to `channels`, coarse context upsampled and added into finer
 * maps (cropped when a side is odd), then a 3×3 smoothing convolution per level.
 */
export function featurePyramid(inputs: readonly tf.SymbolicTensor[], channels: number, conv: Conv): tf.SymbolicTensor[] {
  const laterals = inputs.map((input, i) => conv(`neck_lateral_${i}`, channels, 1, "linear").apply(input) as tf.SymbolicTensor);
  const merged: tf.SymbolicTensor[] = [];
  const last = laterals.length - 1;
  merged[last] = laterals[last]!;
  for (let i = last - 1; i >= 0; i--) {
    const up = tf.layers.upSampling2d({ name: `neck_up_${i}`, size: [2, 2] }).apply(merged[i + 1]!) as tf.SymbolicTensor;
    const cropped = up.shape[1] === laterals[i]!.shape[1] ? up : (tf.layers.cropping2D({ name: `neck_crop_${i}`, cropping: [[0, up.shape[1]! - laterals[i]!.shape[1]!], [0, up.shape[2]! - laterals[i]!.shape[2]!]] }).apply(up) as tf.SymbolicTensor);
    merged[i] = tf.layers.add({ name: `neck_add_${i}` }).apply([laterals[i]!, cropped]) as tf.SymbolicTensor;
  }
  return merged.map((feature, i) => conv(`neck_smooth_${i}`, channels, 3).apply(feature) as tf.SymbolicTensor);
}
