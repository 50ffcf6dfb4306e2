import * as tf from "@tensorflow/tfjs";
import type { ModelMetadata } from "./artifact";
import { toImageSpace, type Letterbox } from "./letterbox";
import type { Detection } from "./nms";
import { detectionsFromRaw, type PostprocessOptions } from "./one-stage/decode";
import { pointGrid } from "./one-stage/points";
import { twoStageAnchors } from "./two-stage/anchors";
import { detectTwoStage } from "./two-stage/detect";
import { twoStageParts } from "./two-stage/model";

/**
 * A model version ready to detect, whatever its architecture: the one inference entry point that
 * training's validation, `npm run predict`, the server and the browser share. The model may be the
 * whole detector (inputs: a normalised image batch from modelInput) or, during frozen-backbone
 * training, its heads (inputs: the backbone's cached feature maps); the post-processing is the same.
 */
export interface Detector {
  metadata: ModelMetadata;
  /** detections in image pixels, one list per image of the batch */
  detect(inputs: tf.Tensor | tf.Tensor[], letterboxes: readonly Letterbox[], postprocess?: Partial<PostprocessOptions>): Promise<Detection[][]>;
}

export function detectorFor(model: tf.LayersModel, metadata: ModelMetadata): Detector {
  const numClasses = metadata.classes.length;
  const options = (overrides?: Partial<PostprocessOptions>) => ({ ...metadata.postprocessing, ...overrides });
  const toImage = (perImage: Detection[][], letterboxes: readonly Letterbox[]) => perImage.map((detections, n) => detections.map((d) => ({ ...d, box: toImageSpace(d.box, letterboxes[n]!) })));
  if (metadata.architecture === "mld1s") {
    const grid = pointGrid(metadata.inputSize, metadata.strides);
    const perImage = grid.count * (4 + numClasses);
    return {
      metadata,
      async detect(inputs, letterboxes, overrides) {
        const raw = model.predict(inputs) as tf.Tensor;
        const values = (await raw.data()) as Float32Array;
        raw.dispose();
        return letterboxes.map((letterbox, n) => detectionsFromRaw(values.subarray(n * perImage, (n + 1) * perImage), grid, numClasses, letterbox, options(overrides)));
      },
    };
  }
  const parts = twoStageParts(model);
  // Anchors and strides as the model was trained (masklab.json), not today's defaults.
  const anchors = twoStageAnchors(metadata.inputSize, metadata.anchors!);
  return {
    metadata,
    async detect(inputs, letterboxes, overrides) {
      return toImage(await detectTwoStage(parts, inputs, anchors, metadata.strides, metadata.inputSize, numClasses, options(overrides)), letterboxes);
    },
  };
}
