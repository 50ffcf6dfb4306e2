import { readFile } from "node:fs/promises";
import path from "node:path";
import * as tf from "@tensorflow/tfjs";
import { nodeRequire } from "@/lib/detection/node-require";

/**
 * Pretrained weights that ship inside npm packages (nothing is downloaded at install or run
 * time). The face-api SSD-MobileNetV1 files are a standard TF.js weights manifest with uint8
 * quantised values, decoded here into float tensors by name.
 */
export async function loadFaceSsdMobileNetWeights(): Promise<Record<string, tf.Tensor>> {
  const manifestPath = nodeRequire(import.meta.url).resolve("@vladmandic/face-api/model/ssd_mobilenetv1_model-weights_manifest.json");
  const manifest = JSON.parse(await readFile(manifestPath, "utf8")) as tf.io.WeightsManifestConfig;
  const specs = manifest.flatMap((group) => group.weights);
  const buffers = await Promise.all(manifest.flatMap((group) => group.paths).map((file) => readFile(path.join(path.dirname(manifestPath), file))));
  const bytes = Buffer.concat(buffers);
  return tf.io.decodeWeights(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength), specs);
}
