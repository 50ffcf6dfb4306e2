import * as tf from "@tensorflow/tfjs";
import sharp from "sharp";
import { FACEMASK_CLASSES } from "@/lib/domain/classes";
import { generateScene, sceneToSvg } from "@/lib/domain/synthetic-scene";
import { faceMobileNetV1, normalizeForFaceMobileNet, type NamedWeights } from "@/lib/detection/backbones/face-mobilenet-v1";
import { toInputSpace } from "@/lib/detection/common/letterbox";
import type { GroundTruth } from "@/lib/detection/common/ground-truth";
import { letterboxPixels } from "@/lib/detection/common/preprocess";
import { useNodeBackend } from "@/lib/detection/tf/node-backend";
import { loadFaceSsdMobileNetWeights } from "../training/pretrained-weights";

/** Synthetic sample scenes (seed 11), letterboxed to `size` and normalised, with their boxes in input pixels: the detectors' test batch. */
export async function syntheticBatch(size: number, count: number): Promise<{ images: tf.Tensor4D; truths: GroundTruth[][] }> {
  const inputs: tf.Tensor3D[] = [];
  const truths: GroundTruth[][] = [];
  for (let i = 0; i < count; i++) {
    const scene = generateScene(11, i);
    const { data, info } = await sharp(Buffer.from(sceneToSvg(scene))).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    const pixels = tf.tensor3d(new Uint8Array(data), [info.height, info.width, 3], "int32");
    const { input, letterbox } = letterboxPixels(pixels, size);
    pixels.dispose();
    inputs.push(input);
    truths.push(scene.faces.map((f) => ({ box: toInputSpace(f.box, letterbox), classIndex: FACEMASK_CLASSES.indexOf(f.className) })));
  }
  const images = normalizeForFaceMobileNet(tf.stack(inputs) as tf.Tensor4D);
  tf.dispose(inputs);
  return { images, truths };
}

export interface DetectorFixture {
  images: tf.Tensor4D;
  truths: GroundTruth[][];
  weights: NamedWeights;
  /** the face backbone's three feature maps of the images: what heads train on when it is frozen */
  features: tf.Tensor[];
}

/** The detector tests' setup: wasm, the pretrained backbone weights, a synthetic batch and its backbone features. */
export async function detectorFixture(size: number, count: number): Promise<DetectorFixture> {
  await useNodeBackend("wasm");
  const weights = await loadFaceSsdMobileNetWeights();
  const { images, truths } = await syntheticBatch(size, count);
  const input = tf.input({ shape: [size, size, 3] });
  const features = tf.model({ inputs: input, outputs: faceMobileNetV1(input, weights) }).predict(images) as tf.Tensor[];
  return { images, truths, weights, features };
}
