import * as tf from "@tensorflow/tfjs";
import type { GroundTruth } from "../common/ground-truth";
import { predictionRead, readScalars, type PredictionRead } from "../common/train-step-reads";
import { featureLevels, roisOf } from "./detect";
import { TWO_STAGE_STRIDES, type TwoStageParts } from "./model";
import { featureTable, roiAlign, roiAlignPlan } from "./roi-align";
import { proposalsFromRpn, rpnTargets, sampleRois, TRAIN_PROPOSALS, type RpnTargets, type SampledRois } from "./targets";

export interface TwoStageStepResult {
  total: number;
  rpnObjectness: number;
  rpnBox: number;
  roiClassification: number;
  roiBox: number;
  /** positive anchors and foreground ROIs in the batch */
  positives: number;
  foreground: number;
}

/**
 * Smooth L1 (Huber) summed over the last axis: 0.5·d²/β below β, d − 0.5·β above, written with
 * min() so it needs no comparison op (those have no gradient in TF.js).
 */
function smoothL1(prediction: tf.Tensor, target: tf.Tensor, beta: number): tf.Tensor {
  const diff = tf.abs(tf.sub(prediction, target));
  const small = tf.minimum(diff, beta);
  return tf.sum(tf.add(tf.div(tf.mul(0.5, tf.square(small)), beta), tf.sub(diff, small)), -1);
}

/**
 * The classic Faster R-CNN losses over a batch:
 * - RPN: binary cross-entropy of objectness over the sampled anchors and smooth L1 (β = 1/9) of
 *   the positives' deltas, both divided by the number sampled (Detectron2's normalisation);
 * - box head: softmax cross-entropy over the sampled ROIs (background included) and smooth L1
 *   (β = 1) of the foreground ROIs' deltas, divided by the number of ROIs.
 */
export function twoStageLoss(rpn: tf.Tensor3D, rpnTarget: RpnTargets[], logits: tf.Tensor2D, deltas: tf.Tensor2D, rois: SampledRois[]) {
  const [n, anchors] = rpn.shape;
  const stack = (pick: (t: RpnTargets) => Float32Array, width: number) => {
    const data = new Float32Array(n * anchors * width);
    rpnTarget.forEach((t, i) => data.set(pick(t), i * anchors * width));
    return tf.tensor3d(data, [n, anchors, width]);
  };
  const objectness = stack((t) => t.objectness, 1);
  const sampled = stack((t) => t.sampled, 1);
  const positive = stack((t) => t.positive, 1);
  const targetDeltas = stack((t) => t.deltas, 4);
  const sampledCount = Math.max(1, rpnTarget.reduce((sum, t) => sum + t.sampled.reduce((a, b) => a + b, 0), 0));
  const logit = tf.slice(rpn, [0, 0, 0], [n, anchors, 1]);
  // Numerically stable BCE with logits: max(x, 0) − x·z + log(1 + e^−|x|).
  const bce = tf.add(tf.sub(tf.relu(logit), tf.mul(logit, objectness)), tf.log1p(tf.exp(tf.neg(tf.abs(logit)))));
  const rpnObjectness = tf.div(tf.sum(tf.mul(bce, sampled)), sampledCount) as tf.Scalar;
  const rpnBox = tf.div(tf.sum(tf.mul(smoothL1(tf.slice(rpn, [0, 0, 1], [n, anchors, 4]), targetDeltas, 1 / 9), tf.squeeze(positive, [2]))), sampledCount) as tf.Scalar;

  const labels = rois.flatMap((r) => r.labels);
  const roiCount = Math.max(1, labels.length);
  const oneHot = tf.oneHot(tf.tensor1d(labels, "int32"), logits.shape[1]);
  const roiClassification = tf.div(tf.neg(tf.sum(tf.mul(oneHot, tf.logSoftmax(logits)))), roiCount) as tf.Scalar;
  const foreground = tf.tensor1d(labels.map((l) => (l > 0 ? 1 : 0)));
  const roiTargets = tf.tensor2d(rois.flatMap((r) => r.deltas.flatMap((d) => [d.dx, d.dy, d.dw, d.dh])), [labels.length, 4]);
  const roiBox = tf.div(tf.sum(tf.mul(smoothL1(deltas, roiTargets, 1), foreground)), roiCount) as tf.Scalar;
  const total = tf.addN([rpnObjectness, rpnBox, roiClassification, roiBox]) as tf.Scalar;
  return { total, rpnObjectness, rpnBox, roiClassification, roiBox };
}

/**
 * One optimisation step of a two-stage model (its heads on cached features, or the whole
 * detector on images). Proposals come from the model's current RPN output, as in Faster R-CNN's
 * approximate joint training: they are constants for the gradient, which reaches stage 1 through
 * the RPN losses and through ROI-Align's features. (Where the backend cannot read synchronously,
 * a forward pass before the gradient pass supplies them.)
 */
export async function twoStageTrainStep(parts: TwoStageParts, optimizer: tf.Optimizer, inputs: tf.Tensor | tf.Tensor[], truths: GroundTruth[][], anchors: Float32Array, inputSize: number, random: () => number, read: PredictionRead = predictionRead()): Promise<TwoStageStepResult> {
  const targetsFrom = (raw: Float32Array) => {
    const perImage = (anchors.length / 4) * 5;
    return {
      rpn: truths.map((imageTruths) => rpnTargets(anchors, imageTruths, random)),
      rois: truths.map((imageTruths, n) => sampleRois(proposalsFromRpn(raw.subarray(n * perImage, (n + 1) * perImage), anchors, inputSize, TRAIN_PROPOSALS), imageTruths, random)),
    };
  };
  let targets: ReturnType<typeof targetsFrom> | undefined;
  if (read === "forward-first") {
    const [rpn, ...levels] = parts.stage1.predict(inputs) as tf.Tensor[];
    targets = targetsFrom((await rpn!.data()) as Float32Array);
    tf.dispose([rpn!, ...levels]);
  }
  const variables = parts.model.trainableWeights.map((weight) => weight.read() as tf.Variable);
  let kept: Record<"total" | "rpnObjectness" | "rpnBox" | "roiClassification" | "roiBox", tf.Scalar> | undefined;
  optimizer.minimize(
    () => {
      const [rpn, ...levels] = parts.stage1.apply(inputs, { training: true }) as [tf.Tensor3D, ...tf.Tensor4D[]];
      targets ??= targetsFrom(rpn.dataSync() as Float32Array);
      const plan = roiAlignPlan(roisOf(targets.rois.map((r) => r.boxes.map((box) => ({ box })))), featureLevels(levels, TWO_STAGE_STRIDES), truths.length);
      const [logits, deltas] = parts.roiHead.apply(roiAlign(featureTable(levels), plan), { training: true }) as [tf.Tensor2D, tf.Tensor2D];
      const loss = twoStageLoss(rpn, targets.rpn, logits, deltas, targets.rois);
      kept = { total: tf.keep(loss.total.clone()), rpnObjectness: tf.keep(loss.rpnObjectness), rpnBox: tf.keep(loss.rpnBox), roiClassification: tf.keep(loss.roiClassification), roiBox: tf.keep(loss.roiBox) };
      return loss.total;
    },
    false,
    variables,
  );
  const values = await readScalars(kept!);
  return { ...values, positives: targets!.rpn.reduce((sum, t) => sum + t.positives, 0), foreground: targets!.rois.reduce((sum, r) => sum + r.labels.filter((l) => l > 0).length, 0) };
}
