import * as tf from "@tensorflow/tfjs";
import type { ModelMetadata } from "@/lib/contracts/artifact";
import { withPooledBackbone } from "../common/embedding";
import type { PostprocessOptions } from "../common/postprocess";
import type { FamilyInference } from "../detector";
import { detectionsFromRaw } from "./decode";
import { pointGrid } from "./points";

/** Inference of a one-stage model (the whole detector, or its head over cached features): one forward pass, then decoding and NMS per image, each way asked for. */
export function oneStageInference(model: tf.LayersModel, metadata: ModelMetadata): FamilyInference {
  const numClasses = metadata.classes.length;
  const grid = pointGrid(metadata.inputSize, metadata.strides);
  const perImage = grid.count * (4 + numClasses);
  const decode = (values: Float32Array, batch: number, options: PostprocessOptions) =>
    Array.from({ length: batch }, (_, n) => detectionsFromRaw(values.subarray(n * perImage, (n + 1) * perImage), grid, numClasses, options));
  let withPooled: tf.LayersModel | undefined;
  return {
    async detect(inputs, ways) {
      const raw = model.predict(inputs) as tf.Tensor;
      const values = (await raw.data()) as Float32Array;
      raw.dispose();
      return ways.map((options) => decode(values, raw.shape[0]!, options));
    },
    async detectWithPooledFeatures(inputs, options) {
      withPooled ??= withPooledBackbone(model, model.inputs, model.outputs);
      const [raw, pooled] = withPooled.predict(inputs) as [tf.Tensor, tf.Tensor2D];
      const [values, features] = (await Promise.all([raw.data(), pooled.data()])) as [Float32Array, Float32Array];
      tf.dispose([raw, pooled]);
      return { detections: decode(values, raw.shape[0]!, options), pooled: features };
    },
  };
}
