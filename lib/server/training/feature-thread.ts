/**
 * One feature thread (feature-threads.ts): its own TF.js engine on wasm (one core each in Node)
 * with the face-trained backbone, computing one image's cached features at a time with the same
 * code as in-process caching (quantisedFeatures), so the bytes do not depend on the thread.
 */
import { parentPort, workerData } from "node:worker_threads";
import * as tf from "@tensorflow/tfjs";
import { faceMobileNetV1 } from "@/lib/detection/backbones/face-mobilenet-v1";
import { useNodeBackend } from "@/lib/detection/tf/node-backend";
import { decodeImagePixels } from "../images/decode";
import { quantisedFeatures } from "./feature-cache";
import { loadFaceSsdMobileNetWeights } from "./pretrained-weights";
import type { FeatureReply, FeatureRequest } from "./feature-threads";

if (!parentPort) throw new Error("feature-thread.ts runs only as a worker thread of feature-threads.ts");
const port = parentPort;
const { inputSize } = workerData as { inputSize: number };

await useNodeBackend("wasm");
const input = tf.input({ shape: [inputSize, inputSize, 3] });
const backbone = tf.model({ inputs: input, outputs: faceMobileNetV1(input, await loadFaceSsdMobileNetWeights()) });
const reply = (message: FeatureReply, transfer: ArrayBuffer[] = []) => port.postMessage(message, transfer);
reply({ type: "ready" });

port.on("message", async (request: FeatureRequest) => {
  try {
    const pixels = await decodeImagePixels(Buffer.from(request.bytes));
    const { letterbox, features } = await quantisedFeatures(backbone, pixels, inputSize, request.flip);
    pixels.dispose();
    reply({ type: "cached", id: request.id, letterbox, features }, features.map((f) => f.buffer as ArrayBuffer));
  } catch (error) {
    reply({ type: "failed", id: request.id, message: (error as Error).message });
  }
});
