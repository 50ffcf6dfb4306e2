import * as tf from "@tensorflow/tfjs";
import { faceMobileNetV1, type NamedWeights } from "../backbones/face-mobilenet-v1";
import { embeddingsOf } from "../common/embedding";
import { modelInputs, type RgbImage } from "../common/preprocess";

/** Side the reference embedding letterboxes images to: MobileNet's classic 224, cheap beside any detector. */
export const REFERENCE_EMBEDDING_INPUT_SIZE = 224;

export interface ImageEmbedder {
  embed(images: readonly RgbImage[]): Promise<Float32Array[]>;
  dispose(): void;
}

/**
 * Masklab's reference embedding, for models that bring no backbone Masklab knows (ONNX): the
 * face-trained MobileNetV1 that Masklab's own detectors start from (face-api's weights, shipped
 * in the npm package), frozen, on the image letterboxed to 224 px and scaled to [-1, 1]; its last
 * feature map pooled, L2-normalised and projected exactly like a TF.js detector's embedding.
 * Every ONNX model therefore has the same embedding, so their drift figures compare; a TF.js
 * model trained with a frozen backbone embeds the same features (at its own input size).
 */
export function referenceEmbedder(weights: NamedWeights): ImageEmbedder {
  const input = tf.input({ shape: [REFERENCE_EMBEDDING_INPUT_SIZE, REFERENCE_EMBEDDING_INPUT_SIZE, 3] });
  const features = faceMobileNetV1(input, weights);
  const pooled = tf.layers.globalAveragePooling2d({}).apply(features.at(-1)!) as tf.SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: pooled });
  return {
    async embed(images) {
      if (images.length === 0) return [];
      const { batch } = modelInputs(images, REFERENCE_EMBEDDING_INPUT_SIZE);
      const output = model.predict(batch) as tf.Tensor;
      batch.dispose();
      const values = (await output.data()) as Float32Array;
      output.dispose();
      return embeddingsOf(values);
    },
    dispose() {
      model.dispose();
    },
  };
}
