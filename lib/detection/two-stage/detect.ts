import * as tf from "@tensorflow/tfjs";
import type { ModelMetadata } from "@/lib/contracts/artifact";
import { withPooledBackbone } from "../common/embedding";
import type { Detection } from "../common/nms";
import type { PostprocessOptions } from "../common/postprocess";
import type { FamilyInference } from "../detector";
import { twoStageAnchors } from "./anchors";
import { twoStageParts, type TwoStageParts } from "./model";
import { featureTable, roiAlign, roiAlignPlan, type FeatureLevel, type Roi } from "./roi-align";
import { detectionsFromHead, proposalsFromRpn, TEST_PROPOSALS, type Proposal } from "./targets";

/** The pyramid's maps with their strides, as ROI-Align's plan needs them. */
export function featureLevels(levels: readonly tf.Tensor4D[], strides: readonly number[]): FeatureLevel[] {
  return levels.map((level, i) => ({ stride: strides[i]!, height: level.shape[1], width: level.shape[2] }));
}

/** Every proposal of a batch as ROIs (image index + box), image after image. */
export function roisOf(perImage: ReadonlyArray<ReadonlyArray<{ box: Proposal["box"] }>>): Roi[] {
  return perImage.flatMap((boxes, batchIndex) => boxes.map(({ box }) => ({ batchIndex, box })));
}

/**
 * Inference of a two-stage model on one batch (images, or cached features for a model over
 * features): proposals, ROI-Align, the box head, final NMS. Detections are in input pixels, per
 * image.
 */
export async function detectTwoStage(parts: TwoStageParts, inputs: tf.Tensor | tf.Tensor[], anchors: Float32Array, strides: readonly number[], inputSize: number, numClasses: number, options: PostprocessOptions): Promise<Detection[][]> {
  return (await detectTwoStageEachWay(parts, inputs, anchors, strides, inputSize, numClasses, [options]))[0]!;
}

/** detectTwoStage post-processed each way asked for (one list per way, then per image), from one forward pass: proposals do not depend on the way. */
export async function detectTwoStageEachWay(parts: TwoStageParts, inputs: tf.Tensor | tf.Tensor[], anchors: Float32Array, strides: readonly number[], inputSize: number, numClasses: number, ways: readonly PostprocessOptions[]): Promise<Detection[][][]> {
  const { detections, extras } = await detectTwoStageWithExtras(parts, inputs, anchors, strides, inputSize, numClasses, ways);
  tf.dispose(extras);
  return detections;
}

/**
 * detectTwoStage for a stage 1 with more outputs than [RPN, one map per stride] (e.g. pooled
 * backbone features for embeddings): they come from the same forward pass and are returned as
 * `extras`, not disposed (the caller's). Detections are exactly detectTwoStageEachWay's.
 */
export async function detectTwoStageWithExtras(parts: TwoStageParts, inputs: tf.Tensor | tf.Tensor[], anchors: Float32Array, strides: readonly number[], inputSize: number, numClasses: number, ways: readonly PostprocessOptions[]): Promise<{ detections: Detection[][][]; extras: tf.Tensor[] }> {
  const [rpn, ...rest] = parts.stage1.predict(inputs) as [tf.Tensor3D, ...tf.Tensor[]];
  const levels = rest.slice(0, strides.length) as tf.Tensor4D[];
  const extras = rest.slice(strides.length);
  const batch = rpn.shape[0];
  const raw = (await rpn.data()) as Float32Array;
  const perImage = rpn.shape[1] * 5;
  const proposals = Array.from({ length: batch }, (_, n) => proposalsFromRpn(raw.subarray(n * perImage, (n + 1) * perImage), anchors, inputSize, TEST_PROPOSALS));
  const plan = roiAlignPlan(roisOf(proposals), featureLevels(levels, strides), batch);
  const pooled = tf.tidy(() => roiAlign(featureTable(levels), plan));
  const [logits, deltas] = parts.roiHead.predict(pooled) as [tf.Tensor2D, tf.Tensor2D];
  const probabilities = tf.softmax(logits);
  const [probs, boxDeltas] = (await Promise.all([probabilities.data(), deltas.data()])) as [Float32Array, Float32Array];
  tf.dispose([rpn, ...levels, pooled, logits, deltas, probabilities]);
  const detections = ways.map((options) => {
    let at = 0;
    return proposals.map((imageProposals) => {
      const from = at;
      at += imageProposals.length;
      return detectionsFromHead(imageProposals, probs.subarray(from * (numClasses + 1), at * (numClasses + 1)), boxDeltas.subarray(from * 4, at * 4), numClasses, inputSize, options);
    });
  });
  return { detections, extras };
}

/** Inference of a two-stage model (whole, or its heads over cached features), with the anchors it was trained with (masklab.json), not today's defaults. */
export function twoStageInference(model: tf.LayersModel, metadata: ModelMetadata): FamilyInference {
  if (!metadata.anchors) throw new Error("a two-stage model needs its anchors in masklab.json");
  const parts = twoStageParts(model);
  const anchors = twoStageAnchors(metadata.inputSize, metadata.anchors);
  const numClasses = metadata.classes.length;
  let withPooled: TwoStageParts | undefined;
  return {
    detect: (inputs, ways) => detectTwoStageEachWay(parts, inputs, anchors, metadata.strides, metadata.inputSize, numClasses, ways),
    async detectWithPooledFeatures(inputs, options) {
      withPooled ??= { ...parts, stage1: withPooledBackbone(model, parts.stage1.inputs, parts.stage1.outputs) };
      const { detections, extras } = await detectTwoStageWithExtras(withPooled, inputs, anchors, metadata.strides, metadata.inputSize, numClasses, [options]);
      const pooled = (await extras[0]!.data()) as Float32Array;
      tf.dispose(extras);
      return { detections: detections[0]!, pooled };
    },
  };
}
