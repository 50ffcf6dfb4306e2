import * as tf from "@tensorflow/tfjs";
import { assignTargets, DEFAULT_ASSIGNER, type AssignerOptions, type GroundTruth } from "./assigner";
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
 * detector on images). The assigner reads the model's current predictions from the same forward
 * pass the gradient comes from; its targets are constants.
 */
export function oneStageTrainStep(
  model: tf.LayersModel,
  optimizer: tf.Optimizer,
  inputs: tf.Tensor | tf.Tensor[],
  truths: GroundTruth[][],
  grid: PointGrid,
  gridConstants: ReturnType<typeof gridTensors>,
  numClasses: number,
  options: { assigner?: AssignerOptions; loss?: LossWeights } = {},
): StepResult {
  const result: StepResult = { total: 0, classification: 0, box: 0, positives: 0 };
  const variables = model.trainableWeights.map((weight) => weight.read() as tf.Variable);
  optimizer.minimize(
    () => {
      const raw = model.apply(inputs, { training: true }) as tf.Tensor3D;
      const values = raw.dataSync() as Float32Array;
      const perImage = grid.count * (4 + numClasses);
      const assignments = truths.map((imageTruths, n) => {
        const decoded = decodeRaw(values.subarray(n * perImage, (n + 1) * perImage), grid, numClasses);
        return assignTargets(grid, numClasses, decoded.scores, decoded.boxes, imageTruths, options.assigner ?? DEFAULT_ASSIGNER);
      });
      const loss = oneStageLoss(raw, batchTargets(assignments, numClasses), gridConstants, numClasses, options.loss ?? DEFAULT_LOSS_WEIGHTS);
      result.total = loss.total.dataSync()[0]!;
      result.classification = loss.classification.dataSync()[0]!;
      result.box = loss.box.dataSync()[0]!;
      result.positives = assignments.reduce((sum, a) => sum + a.positives, 0);
      return loss.total;
    },
    false,
    variables,
  );
  return result;
}
