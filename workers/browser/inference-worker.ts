/// <reference lib="webworker" />
/**
 * The browser's inference worker: loads a model version's artifact (from the Cache API when this
 * version was downloaded before), picks a TF.js backend (webgpu → webgl → wasm → cpu, or the
 * user's setting), and detects with the same lib/detection code the server serves with. It runs
 * off the main thread so the page never freezes while shaders compile or weights upload.
 */
import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-webgpu";
import { setWasmPaths } from "@tensorflow/tfjs-backend-wasm";
import { modelFromFiles, type ArtifactFiles } from "@/lib/detection/artifact";
import { detectorFor, type Detector } from "@/lib/detection/detector";
import { modelInput } from "@/lib/detection/preprocess";
import { chooseBrowserBackend, type BrowserAvailability, type BrowserBackend, type BrowserBackendSetting } from "@/lib/detection/tf/browser-backend";
import type { LoadedModel, WorkerRequest, WorkerResponse } from "./inference-protocol";

declare const self: DedicatedWorkerGlobalScope;

const MODEL_CACHE = "masklab-models-v1";
setWasmPaths("/api/tfjs-wasm/");

let current: { id: string; setting: BrowserBackendSetting; loaded: LoadedModel; model: tf.LayersModel; detector: Detector; classes: string[]; detected: boolean } | null = null;
let backendReady: { setting: BrowserBackendSetting; backend: BrowserBackend; reason: string } | null = null;

const post = (message: WorkerResponse) => self.postMessage(message);

async function probe(): Promise<BrowserAvailability> {
  const availability: BrowserAvailability = {};
  const gpu = (navigator as Navigator & { gpu?: { requestAdapter(): Promise<unknown> } }).gpu;
  availability.webgpu = gpu ? ((await gpu.requestAdapter().catch(() => null)) ? { available: true } : { available: false, problem: "no WebGPU adapter" }) : { available: false, problem: "this browser has no WebGPU" };
  let webgl: unknown = null;
  try {
    webgl = typeof OffscreenCanvas === "undefined" ? null : new OffscreenCanvas(1, 1).getContext("webgl2");
  } catch {
    webgl = null;
  }
  availability.webgl = webgl ? { available: true } : { available: false, problem: "no WebGL2 in workers" };
  availability.wasm = typeof WebAssembly === "object" ? { available: true } : { available: false, problem: "no WebAssembly" };
  return availability;
}

async function useBackend(setting: BrowserBackendSetting): Promise<{ backend: BrowserBackend; reason: string }> {
  if (backendReady?.setting === setting) return backendReady;
  const choice = chooseBrowserBackend(setting, await probe());
  for (const backend of [choice.backend, ...choice.fallbacks]) {
    if (backend === "wasm") await import("@tensorflow/tfjs-backend-wasm");
    if (await tf.setBackend(backend).catch(() => false)) {
      await tf.ready();
      const reason = backend === choice.backend ? choice.reason : `${choice.reason}; ${choice.backend} failed to start, using ${backend}`;
      backendReady = { setting, backend, reason };
      return backendReady;
    }
  }
  throw new Error("no TF.js backend could start in this browser");
}

/** The artifact's files, from the Cache API when this version was fetched before (URLs are immutable per version). */
async function artifactFiles(modelVersionId: string): Promise<{ files: ArtifactFiles; cached: boolean }> {
  const cache = typeof caches === "undefined" ? null : await caches.open(MODEL_CACHE).catch(() => null);
  let cached = true;
  const read = async (file: keyof ArtifactFiles) => {
    const url = `/api/models/${modelVersionId}/files/${file}`;
    let response = await cache?.match(url);
    if (!response) {
      cached = false;
      response = await fetch(url, { credentials: "same-origin" });
      if (!response.ok) throw new Error(`${file}: HTTP ${response.status}`);
      await cache?.put(url, response.clone()).catch(() => undefined);
    }
    return new Uint8Array(await response.arrayBuffer());
  };
  const [model, weights, masklab] = await Promise.all([read("model.json"), read("weights.bin"), read("masklab.json")]);
  return { files: { "model.json": model, "weights.bin": weights, "masklab.json": masklab }, cached };
}

async function load(request: Extract<WorkerRequest, { type: "load" }>): Promise<LoadedModel> {
  // The editor asks again on every image: the model in memory is kept, its timings reported as they were.
  if (current?.id === request.modelVersionId && current.setting === request.setting) return { ...current.loaded, reused: true };
  const started = performance.now();
  const { backend, reason } = await useBackend(request.setting);
  const { files, cached } = await artifactFiles(request.modelVersionId);
  const { model, metadata } = await modelFromFiles(files);
  current?.model.dispose();
  const loaded: LoadedModel = { modelVersionId: request.modelVersionId, backend, reason, classes: metadata.classes, inputSize: metadata.inputSize, architecture: metadata.architecture, cached, reused: false, coldLoadMs: performance.now() - started };
  current = { id: request.modelVersionId, setting: request.setting, loaded, model, detector: detectorFor(model, metadata), classes: metadata.classes, detected: false };
  return loaded;
}

/** RGB pixels of a bitmap, as the server's decoder gives them (alpha dropped). */
function pixelsOf(image: ImageBitmap): tf.Tensor3D {
  const canvas = new OffscreenCanvas(image.width, image.height);
  const context = canvas.getContext("2d", { willReadFrequently: true })!;
  context.drawImage(image, 0, 0);
  const rgba = context.getImageData(0, 0, image.width, image.height).data;
  const rgb = new Uint8Array(image.width * image.height * 3);
  for (let i = 0, j = 0; i < rgba.length; i += 4, j += 3) {
    rgb[j] = rgba[i]!;
    rgb[j + 1] = rgba[i + 1]!;
    rgb[j + 2] = rgba[i + 2]!;
  }
  return tf.tensor3d(rgb, [image.height, image.width, 3], "int32");
}

async function detect(request: Extract<WorkerRequest, { type: "detect" }>) {
  if (!current) throw new Error("no model loaded");
  const pixels = pixelsOf(request.image);
  const { width, height } = request.image;
  request.image.close();
  const { batch, letterbox } = modelInput(pixels, current.detector.metadata.inputSize);
  pixels.dispose();
  try {
    const started = performance.now();
    const [found] = await current.detector.detect(batch, [letterbox], request.scoreThreshold === undefined ? undefined : { scoreThreshold: request.scoreThreshold });
    const inferenceMs = performance.now() - started;
    const first = !current.detected;
    current.detected = true;
    return { detections: found!.map((d) => ({ className: current!.classes[d.classIndex]!, score: d.score, box: d.box })), inferenceMs, first, width, height };
  } finally {
    batch.dispose();
  }
}

// One request at a time, in arrival order: TF.js backends are not re-entrant.
let queue: Promise<unknown> = Promise.resolve();
self.onmessage = (event: MessageEvent<WorkerRequest>) => {
  const request = event.data;
  queue = queue.then(async () => {
    try {
      if (request.type === "load") post({ type: "loaded", requestId: request.requestId, model: await load(request) });
      else post({ type: "detections", requestId: request.requestId, ...(await detect(request)) });
    } catch (error) {
      post({ type: "error", requestId: request.requestId, message: (error as Error).message ?? String(error) });
    }
  });
};
