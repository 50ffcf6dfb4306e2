import type { DetectorFamily } from "../detector-family";
import { detectorOver } from "../detector";
import { DEFAULT_ANCHOR_LAYOUT, twoStageAnchors } from "./anchors";
import { twoStageInference } from "./detect";
import { buildProposer, buildRoiHead, buildTwoStageModel, nestedModels, TWO_STAGE_STRIDES, twoStageParts } from "./model";
import { twoStageTrainStep } from "./train-step";

/** MLD-2S: Faster R-CNN-style, an RPN and a box head over ROI-Align (./model.ts). */
export const twoStageFamily: DetectorFamily = {
  id: "two_stage",
  recipe: {
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
      strides: [...TWO_STAGE_STRIDES],
      anchors: { levels: DEFAULT_ANCHOR_LAYOUT.levels.map((l) => ({ stride: l.stride, sizes: [...l.sizes] })), ratios: [...DEFAULT_ANCHOR_LAYOUT.ratios] },
    }),
  },
  detector: (model, metadata) => detectorOver(model, metadata, twoStageInference(model, metadata)),
};
