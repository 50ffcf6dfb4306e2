import * as tf from "@tensorflow/tfjs";
import { judgeColumns, type MaskJudge } from "@/lib/contracts/artifact";
import type { PixelBox } from "@/lib/domain/box";
import { SeededRandom } from "@/lib/domain/random";
import { faceMobileNetV1, isBackboneLayer, normalizeForFaceMobileNet, type NamedWeights } from "../backbones/face-mobilenet-v1";
import { LETTERBOX_FILL } from "../common/preprocess";
import { judgeCropBox, normalizedCropBox } from "./crop";

/**
 * The mask judge: finding a face and judging its mask are different problems at different
 * resolutions. The detector finds faces at its input size (416 px: a stride-8 cell sees a small
 * face as a few pixels); the judge re-reads each face cropped from the full-resolution photo at
 * `cropSize` px, through the detector's own face-trained backbone (no second network to ship),
 * and a linear layer over the pooled stride-16 and stride-32 maps says with_mask, without_mask or
 * mask_weared_incorrect. The linear layer lives in masklab.json; the worker, the server and the
 * browser run the same code here.
 */

/** The pooled feature maps the judge reads: the backbone's stride-16 and stride-32 outputs. */
const JUDGE_FEATURE_LEVELS = [1, 2] as const;

/** The backbone at crop size, weights taken from a detector (its backbone_* layers) or the pretrained set; out: [n, features] pooled. */
export function judgeFeatureModel(cropSize: number, weightsFrom: tf.LayersModel | NamedWeights): tf.LayersModel {
  const input = tf.input({ shape: [cropSize, cropSize, 3] });
  const fromDetector = weightsFrom instanceof tf.LayersModel;
  const maps = faceMobileNetV1(input, fromDetector ? undefined : weightsFrom);
  const pooled = JUDGE_FEATURE_LEVELS.map((level) => tf.layers.globalAveragePooling2d({}).apply(maps[level]!) as tf.SymbolicTensor);
  const model = tf.model({ inputs: input, outputs: tf.layers.concatenate().apply(pooled) as tf.SymbolicTensor });
  if (fromDetector) {
    for (const layer of model.layers.filter(isBackboneLayer)) {
      if (layer.getWeights().length === 0) continue;
      const source = weightsFrom.layers.find((l) => l.name === layer.name);
      if (!source) throw new Error(`the mask judge needs the detector's backbone, but it has no layer "${layer.name}" (a heads-only model?)`);
      layer.setWeights(source.getWeights());
    }
  }
  return model;
}

/** Pooled backbone features [boxes, features] of face boxes cropped from one image's pixels [H, W, 3] (optionally mirrored). */
export function cropFeatures(featureModel: tf.LayersModel, pixels: tf.Tensor3D, boxes: readonly PixelBox[], judge: Pick<MaskJudge, "cropSize" | "margin">, flip = false): tf.Tensor2D {
  return tf.tidy(() => {
    const [height, width] = pixels.shape;
    const crops = boxes.map((box) => normalizedCropBox(judgeCropBox(box, judge.margin), { width, height }));
    const image = tf.expandDims(tf.cast(pixels, "float32"), 0) as tf.Tensor4D;
    let batch = tf.image.cropAndResize(image, crops, crops.map(() => 0), [judge.cropSize, judge.cropSize], "bilinear", LETTERBOX_FILL);
    if (flip) batch = tf.reverse(batch, 2);
    return featureModel.predict(normalizeForFaceMobileNet(batch)) as tf.Tensor2D;
  });
}

/**
 * Class probabilities [boxes × classes], row by row, from pooled features. With `background` the
 * softmax also spans not a face, which is left out: a face's class probabilities then sum to the
 * chance that it is a face.
 */
export async function judgeProbabilities(features: tf.Tensor2D, judge: MaskJudge, numClasses: number): Promise<Float32Array> {
  const columns = judgeColumns(judge, numClasses);
  const probabilities = tf.tidy(() => {
    const weights = tf.tensor2d(judge.weights, [judge.weights.length / columns, columns]);
    const all = tf.softmax(tf.add(tf.matMul(features, weights), tf.tensor1d(judge.bias)));
    return columns === numClasses ? all : tf.slice(all, [0, 0], [-1, numClasses]);
  });
  const data = (await probabilities.data()) as Float32Array;
  probabilities.dispose();
  return data;
}

/**
 * The judge's class probabilities [faces × classes], row by row, of face boxes in one image's
 * pixels: the crop's, or with `mirrored` the mean of the crop's and its mirror image's (the
 * recipe bench: ranking AP of the rare class 0.35 → 0.43 on labelled faces).
 */
export async function judgeFaces(featureModel: tf.LayersModel, pixels: tf.Tensor3D, boxes: readonly PixelBox[], judge: MaskJudge, numClasses: number): Promise<Float32Array> {
  const views = judge.mirrored ? [false, true] : [false];
  const mean = new Float32Array(boxes.length * numClasses);
  for (const flip of views) {
    const features = cropFeatures(featureModel, pixels, boxes, judge, flip);
    const probabilities = await judgeProbabilities(features, judge, numClasses);
    features.dispose();
    probabilities.forEach((p, i) => (mean[i]! += p / views.length));
  }
  return mean;
}

export interface JudgeTrainingOptions {
  epochs: number;
  learningRate: number;
  /** L2 penalty on the weights (of standardised features) */
  l2: number;
  seed: number;
}

/** L2 1e-2: on the recipe bench it ranked labelled faces better than 1e-3 (mean AP 0.766 vs 0.742) and 1e-4 (0.710). */
export const DEFAULT_JUDGE_TRAINING: JudgeTrainingOptions = { epochs: 60, learningRate: 1e-3, l2: 1e-2, seed: 1 };

/**
 * Multinomial logistic regression on pooled crop features (rows of `features`, labels by class
 * index): standardised, classes weighted by √(n / (k·n_c)) so the rare class is heard without
 * drowning the others, L2-penalised, Adam over seeded mini-batches from zero weights (the same
 * data and seed give the same judge). The standardisation is folded into the returned weights.
 */
export async function trainJudgeLayer(features: Float32Array, labels: readonly number[], numClasses: number, options: JudgeTrainingOptions = DEFAULT_JUDGE_TRAINING): Promise<Pick<MaskJudge, "weights" | "bias">> {
  const n = labels.length;
  if (n === 0) throw new Error("the mask judge needs labelled faces to train on");
  const dims = features.length / n;
  const counts = Array.from({ length: numClasses }, (_, c) => labels.filter((l) => l === c).length);
  const classWeights = counts.map((count) => (count === 0 ? 0 : Math.sqrt(n / (numClasses * count))));
  const x = tf.tensor2d(features, [n, dims]);
  const { mean, variance } = tf.moments(x, 0);
  const std = tf.tidy(() => tf.add(tf.sqrt(variance), 1e-3));
  const standardised = tf.tidy(() => tf.div(tf.sub(x, mean), std));
  const w = tf.variable(tf.zeros([dims, numClasses]));
  const b = tf.variable(tf.zeros([numClasses]));
  const optimizer = tf.train.adam(options.learningRate);
  const random = new SeededRandom(options.seed);
  const order = Array.from({ length: n }, (_, i) => i);
  const batchSize = 64;
  for (let epoch = 0; epoch < options.epochs; epoch++) {
    for (let i = n - 1; i > 0; i--) {
      const j = random.int(0, i);
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    for (let start = 0; start < n; start += batchSize) {
      const picks = order.slice(start, start + batchSize);
      tf.tidy(() => {
        const xb = tf.gather(standardised, picks);
        const yb = tf.oneHot(tf.tensor1d(picks.map((i) => labels[i]!), "int32"), numClasses);
        const weightOf = tf.tensor1d(picks.map((i) => classWeights[labels[i]!]!));
        optimizer.minimize(() => {
          const logits = tf.add(tf.matMul(xb, w), b);
          const perSample = tf.neg(tf.sum(tf.mul(yb, tf.logSoftmax(logits)), 1));
          return tf.add(tf.div(tf.sum(tf.mul(perSample, weightOf)), tf.sum(weightOf)), tf.mul(options.l2, tf.sum(tf.square(w)))) as tf.Scalar;
        });
      });
    }
  }
  // (x − mean)/std · W + b = x · (W/std) + (b − (mean/std) · W)
  const folded = tf.tidy(() => {
    const scaled = tf.div(w, tf.reshape(std, [dims, 1]));
    return { weights: scaled, bias: tf.sub(b, tf.squeeze(tf.matMul(tf.reshape(mean, [1, dims]), scaled), [0])) };
  });
  const result = { weights: Array.from(await folded.weights.data()), bias: Array.from(await folded.bias.data()) };
  tf.dispose([x, mean, variance, std, standardised, w, b, folded.weights, folded.bias]);
  optimizer.dispose();
  return result;
}
