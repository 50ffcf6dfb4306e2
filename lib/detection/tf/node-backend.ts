import path from "node:path";
import * as tf from "@tensorflow/tfjs";
import { setWasmPaths } from "@tensorflow/tfjs-backend-wasm";
import { nodeRequire } from "../node-require";
import { registerWasmTrainingKernels } from "./wasm-training-kernels";
import {
  allowSoftwareWebGpuFromEnv,
  chooseBackend,
  describeAdapter,
  requestedBackendFromEnv,
  type BackendAvailability,
  type BackendChoice,
  type NodeBackendName,
  type RequestedBackend,
  type WasmProbe,
  type WebGpuAdapterInfo,
  type WebGpuProbe,
} from "./backend-selection";

/** A backend a Node process runs on. */
export type NodeBackend = NodeBackendName;
/** What a caller may ask for: a backend, or "auto" (webgpu on a hardware adapter, else wasm, else cpu). */
export type NodeBackendRequest = RequestedBackend;

export interface NodeBackendSelection extends BackendChoice {
  requested: NodeBackendRequest;
  /** for logs and worker capabilities, e.g. "webgpu on NVIDIA H100 [nvidia, hopper]" or "wasm" */
  description: string;
}

type Env = Record<string, string | undefined>;

/**
 * TF.js in Node without tfjs-node (it cannot install offline): webgpu through Dawn (the `webgpu`
 * npm package) on a machine with a hardware adapter, otherwise the wasm backend (its .wasm files
 * read from the installed package, plus the training kernels it lacks; one core, since TF.js
 * disables wasm threads in Node), otherwise cpu. Returns the backend in use. See
 * `selectNodeBackend` for the reason and the adapter.
 */
export async function useNodeBackend(backend: NodeBackendRequest = "wasm"): Promise<NodeBackend> {
  return (await selectNodeBackend(backend)).backend;
}

/**
 * Probes what `requested` needs (a WebGPU adapter, the wasm backend), chooses with
 * `chooseBackend` and makes the choice TF.js's backend. Throws BackendUnavailableError when an
 * explicitly requested backend is not available. Probes run once per process.
 */
export async function selectNodeBackend(requested: NodeBackendRequest, env: Env = process.env): Promise<NodeBackendSelection> {
  const availability: BackendAvailability = { allowSoftwareWebGpu: allowSoftwareWebGpuFromEnv(env) };
  if (requested === "auto" || requested === "webgpu") availability.webgpu = await probeWebGpuAdapter();
  // wasm is started only when needed: asked for, or "auto" without a usable adapter ("auto" never throws)
  if (requested === "wasm" || (requested === "auto" && chooseBackend("auto", availability).backend !== "webgpu")) availability.wasm = await probeWasm();
  const choice = chooseBackend(requested, availability);
  await activate(choice.backend);
  return { ...choice, requested, description: choice.adapter ? `webgpu on ${describeAdapter(choice.adapter)}` : choice.backend };
}

let workerSelection: Promise<NodeBackendSelection> | undefined;

/**
 * The worker's own backend, chosen once per process from MASKLAB_BACKEND (default auto); later
 * calls return the same choice and make it TF.js's backend again.
 */
export async function useWorkerBackend(env: Env = process.env): Promise<NodeBackendSelection> {
  workerSelection ??= selectNodeBackend(requestedBackendFromEnv(env), env);
  const selection = await workerSelection.catch((error: unknown) => {
    workerSelection = undefined;
    throw error;
  });
  await activate(selection.backend);
  return selection;
}

/**
 * For a runner, before it builds any tensors of a job: honours the job's `backend` setting.
 * "auto" means the worker's own choice (`useWorkerBackend`); an explicit backend switches TF.js
 * to it, or throws BackendUnavailableError (the job fails with a message saying what to install).
 * Returns the backend in use, to record on the job.
 */
export async function useJobBackend(requested: NodeBackendRequest, env: Env = process.env): Promise<NodeBackendSelection> {
  if (requested === "auto") return useWorkerBackend(env);
  return selectNodeBackend(requested, env);
}

async function activate(backend: NodeBackend): Promise<void> {
  if (tf.getBackend() === backend) return;
  if (backend === "wasm") prepareWasm();
  if (backend === "webgpu") await registerWebGpuBackend();
  if (!(await tf.setBackend(backend))) throw new Error(`the TF.js ${backend} backend could not start`);
  await tf.ready();
}

/**
 * The folder of @tensorflow/tfjs-backend-wasm's .wasm files (Node serves them to browsers too),
 * found through Node's own require (nodeRequire); the package's Node entry sits next to them.
 */
export function tfjsWasmDir(): string {
  return path.dirname(nodeRequire(import.meta.url).resolve("@tensorflow/tfjs-backend-wasm"));
}

let wasmPrepared = false;
function prepareWasm(): void {
  if (wasmPrepared) return;
  setWasmPaths(`${tfjsWasmDir()}${path.sep}`);
  registerWasmTrainingKernels();
  wasmPrepared = true;
}

let wasmProbe: Promise<WasmProbe> | undefined;
function probeWasm(): Promise<WasmProbe> {
  wasmProbe ??= (async (): Promise<WasmProbe> => {
    const previous = tf.getBackend();
    try {
      prepareWasm();
      if (!(await tf.setBackend("wasm"))) return { loads: false, problem: "tf.setBackend('wasm') failed (TF.js logged why above)" };
      return { loads: true };
    } catch (error) {
      return { loads: false, problem: (error as Error).message };
    } finally {
      if (previous && previous !== tf.getBackend()) await tf.setBackend(previous);
    }
  })();
  return wasmProbe;
}

/** The part of Dawn's GPUAdapter this module reads (typed here so no WebGPU type library is needed). */
interface DawnAdapter {
  info?: Partial<WebGpuAdapterInfo>;
  isFallbackAdapter?: boolean;
}
interface DawnGpu {
  requestAdapter(options?: { powerPreference?: "low-power" | "high-performance" }): Promise<DawnAdapter | null>;
}

let webGpuProbe: Promise<WebGpuProbe> | undefined;
/**
 * Puts Dawn's `navigator.gpu` (npm package `webgpu`) and its WebGPU globals on globalThis, then
 * asks for the adapter tfjs-backend-webgpu will get (same power preference). Once per process;
 * it selects no backend.
 */
export function probeWebGpuAdapter(): Promise<WebGpuProbe> {
  webGpuProbe ??= (async (): Promise<WebGpuProbe> => {
    let gpu: DawnGpu;
    try {
      gpu = await installNavigatorGpu();
    } catch (error) {
      return { adapter: null, problem: `the webgpu package (Dawn) did not load: ${(error as Error).message}` };
    }
    try {
      const adapter = await gpu.requestAdapter({ powerPreference: lowPowerFlag() ? "low-power" : "high-performance" });
      if (adapter === null) return { adapter: null, problem: "Dawn's requestAdapter() returned none: no Vulkan driver it accepts" };
      const info = adapter.info ?? {};
      return {
        adapter: {
          vendor: info.vendor ?? "",
          architecture: info.architecture ?? "",
          device: info.device ?? "",
          description: info.description ?? "",
          isFallbackAdapter: Boolean(info.isFallbackAdapter ?? adapter.isFallbackAdapter),
        },
      };
    } catch (error) {
      return { adapter: null, problem: `requestAdapter() failed: ${(error as Error).message}` };
    }
  })();
  return webGpuProbe;
}

/** tfjs-backend-webgpu's WEBGPU_USE_LOW_POWER_GPU flag (registered only once that package is imported), via the TFJS_FLAGS-style env. */
function lowPowerFlag(): boolean {
  try {
    return tf.env().getBool("WEBGPU_USE_LOW_POWER_GPU");
  } catch {
    return false; // not registered yet: the backend's default, high-performance
  }
}

let dawnGpu: DawnGpu | undefined;
/** `create([])` once per process; kept referenced so the Dawn instance lives as long as the process. */
async function installNavigatorGpu(): Promise<DawnGpu> {
  if (dawnGpu) return dawnGpu;
  const dawn = (await import("webgpu")) as unknown as { create(options: string[]): DawnGpu; globals: object };
  const gpu = dawn.create([]);
  Object.assign(globalThis, dawn.globals);
  const scope = globalThis as { navigator?: object };
  if (scope.navigator) Object.defineProperty(scope.navigator, "gpu", { value: gpu, configurable: true, writable: true });
  else Object.defineProperty(globalThis, "navigator", { value: { gpu }, configurable: true, writable: true });
  dawnGpu = gpu;
  return gpu;
}

/** tfjs-backend-webgpu registers itself at import, and only if navigator.gpu exists by then. */
async function registerWebGpuBackend(): Promise<void> {
  await installNavigatorGpu();
  await import("@tensorflow/tfjs-backend-webgpu");
  if (!tf.findBackendFactory("webgpu")) {
    throw new Error("@tensorflow/tfjs-backend-webgpu did not register its backend: it was imported before navigator.gpu existed (import it only through lib/detection/tf/node-backend.ts)");
  }
}
