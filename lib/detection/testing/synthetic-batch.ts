import * as tf from "@tensorflow/tfjs";
import sharp from "sharp";
import { FACEMASK_CLASSES } from "@/lib/domain/classes";
import { generateScene, sceneToSvg } from "@/lib/domain/synthetic-scene";
import { normalizeForFaceMobileNet } from "../backbones/face-mobilenet-v1";
import { toInputSpace } from "../letterbox";
import type { GroundTruth } from "../one-stage/assigner";
import { letterboxPixels } from "../preprocess";

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
