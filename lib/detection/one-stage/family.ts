import type { DetectorFamily } from "../detector-family";
import { detectorOver } from "../detector";
import { oneStageInference } from "./detect";
import { gridTensors } from "./loss";
import { buildOneStageDetector, buildOneStageHead, ONE_STAGE_STRIDES } from "./model";
import { pointGrid } from "./points";
import { oneStageTrainStep } from "./train-step";

/** MLD-1S: anchor-free, YOLO-style (./model.ts). */
export const oneStageFamily: DetectorFamily = {
  id: "one_stage",
  recipe: {
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
    metadata: () => ({ strides: [...ONE_STAGE_STRIDES] }),
  },
  detector: (model, metadata) => detectorOver(model, metadata, oneStageInference(model, metadata)),
};
