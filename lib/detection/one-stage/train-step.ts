import * as tf from "@tensorflow/tfjs";
import { predictionRead, readScalars, type PredictionRead } from "../common/train-step-reads";
import type { GroundTruth } from "../common/ground-truth";
import { assignTargets, DEFAULT_ASSIGNER, type Assignment, type AssignerOptions } from "./assigner";
import { decodeRaw } from "./decode";
import { batchTargets, DEFAULT_LOSS_WEIGHTS, gridTensors, oneStageLoss, type LossWeights } from "./loss";
import type { PointGrid } from "./points";

export interface StepResult {
  total: number;
  classification: number;
  box: number;
  positives: number;
}

/**
 * One optimisation step of a one-stage model (the head on cached features, or the whole
 * detector on images). The assigner reads the model's current predictions (from the gradient
 * pass itself, or a forward pass before it on backends without synchronous reads); its targets
 * are constants.
 */
export async function oneStageTrainStep(
  model: tf.LayersModel,
  optimizer: tf.Optimizer,
  inputs: tf.Tensor | tf.Tensor[],
  truths: GroundTruth[][],
  grid: PointGrid,
  gridConstants: ReturnType<typeof gridTensors>,
  numClasses: number,
  options: { assigner?: AssignerOptions; loss?: LossWeights; read?: PredictionRead } = {},
): Promise<StepResult> {
  const perImage = grid.count * (4 + numClasses);
  const assign = (values: Float32Array) =>
    truths.map((imageTruths, n) => {
      const decoded = decodeRaw(values.subarray(n * perImage, (n + 1) * perImage), grid, numClasses);
      return assignTargets(grid, numClasses, decoded.scores, decoded.boxes, imageTruths, options.assigner ?? DEFAULT_ASSIGNER);
    });
  let assignments: Assignment[] | undefined;
  if ((options.read ?? predictionRead()) === "forward-first") {
    const raw = model.predict(inputs) as tf.Tensor;
    assignments = assign((await raw.data()) as Float32Array);
    raw.dispose();
  }
  const variables = model.trainableWeights.map((weight) => weight.read() as tf.Variable);
  let kept: Record<"total" | "classification" | "box", tf.Scalar> | undefined;
  optimizer.minimize(
    () => {
      const raw = model.apply(inputs, { training: true }) as tf.Tensor3D;
      assignments ??= assign(raw.dataSync() as Float32Array);
      const loss = oneStageLoss(raw, batchTargets(assignments, numClasses), gridConstants, numClasses, options.loss ?? DEFAULT_LOSS_WEIGHTS);
      kept = { total: tf.keep(loss.total.clone()), classification: tf.keep(loss.classification), box: tf.keep(loss.box) };
      return loss.total;
    },
    false,
    variables,
  );
  const values = await readScalars(kept!);
  return { ...values, positives: assignments!.reduce((sum, a) => sum + a.positives, 0) };
}
