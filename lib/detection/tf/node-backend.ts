import path from "node:path";
import { createRequire } from "node:module";
import * as tf from "@tensorflow/tfjs";
import { setWasmPaths } from "@tensorflow/tfjs-backend-wasm";
import { registerWasmTrainingKernels } from "./wasm-training-kernels";

export type NodeBackend = "wasm" | "cpu";

/**
 * TF.js in Node without tfjs-node (it cannot install offline): the wasm backend, its .wasm files
 * read from the installed package, plus the training kernels it lacks. One wasm backend uses one
 * core (TF.js disables wasm threads in Node).
 */
export async function useNodeBackend(backend: NodeBackend = "wasm"): Promise<string> {
  if (backend === "wasm") {
    const require = createRequire(import.meta.url);
    const dist = path.dirname(require.resolve("@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm"));
    setWasmPaths(`${dist}${path.sep}`);
    registerWasmTrainingKernels();
  }
  if (!(await tf.setBackend(backend))) throw new Error(`the TF.js ${backend} backend could not start`);
  await tf.ready();
  return tf.getBackend();
}
