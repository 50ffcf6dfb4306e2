/// <reference lib="webworker" />
/**
 * The browser's inference worker: loads a model version's artifact (from the Cache API when this
 * version was downloaded before), picks a TF.js backend (lib/detection/tf/browser-backend.ts:
 * never a software adapter in "auto", measuring when an adapter does not say what it is), and
 * detects with the same lib/detection code the server serves with. It runs off the main thread so
 * the page never freezes while shaders compile, weights upload or backends are measured.
 */
import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-webgpu";
import { setWasmPaths } from "@tensorflow/tfjs-backend-wasm";
import {
  requestIdOf,
  workerRequestSchema,
  type BackendTimings,
  type BrowserBackend,
  type BrowserBackendSetting,
  type LoadedModel,
  type WorkerRequest,
  type WorkerResponse,
} from "@/lib/contracts/worker-messages";
import { parseModelMetadata, type ArtifactFiles, type ModelMetadata } from "@/lib/contracts/artifact";
import { LETTERBOX_FILL, modelInput, type RgbImage } from "@/lib/detection/common/preprocess";
import type { Detector } from "@/lib/detection/detector";
import { loadDetector } from "@/lib/detection/families";
import { measureBackends, type BenchmarkHooks } from "@/lib/detection/tf/browser-backend-benchmark";
import {
  benchmarkKey,
  chooseBrowserBackend,
  needsMeasuring,
  webGlAdapter,
  webGpuAdapter,
  type BrowserAvailability,
} from "@/lib/detection/tf/browser-backend";

declare const self: DedicatedWorkerGlobalScope;

const MODEL_CACHE = "masklab-models-v1";
setWasmPaths("/api/tfjs-wasm/");

type BackendInUse = Pick<LoadedModel, "backend" | "reason" | "warning" | "measured">;

let current: { id: string; setting: BrowserBackendSetting; loaded: LoadedModel; detector: Detector; detected: boolean } | null = null;
let backendReady: { setting: BrowserBackendSetting; inputSize: number; inUse: BackendInUse } | null = null;
/** Measurements made in this worker, by benchmarkKey: a second model of the same size is not measured again. */
const measuredHere = new Map<string, BackendTimings>();

const post = (message: WorkerResponse) => self.postMessage(message);

interface GpuAdapterLike {
  info?: { vendor?: string; architecture?: string; device?: string; description?: string; isFallbackAdapter?: boolean };
  requestAdapterInfo?: () => Promise<GpuAdapterLike["info"]>;
  isFallbackAdapter?: boolean;
}

/** What the WebGPU adapter says about itself: `adapter.info` (Chrome 114+), else the older requestAdapterInfo(). */
async function webGpuProbe(): Promise<BrowserAvailability["webgpu"]> {
  const gpu = (navigator as Navigator & { gpu?: { requestAdapter(): Promise<GpuAdapterLike | null> } }).gpu;
  if (!gpu) return { available: false, problem: "this browser has no WebGPU" };
  const adapter = await gpu.requestAdapter().catch(() => null);
  if (!adapter) return { available: false, problem: "no WebGPU adapter" };
  const info = adapter.info ?? (await adapter.requestAdapterInfo?.().catch(() => undefined)) ?? {};
  return {
    available: true,
    adapter: webGpuAdapter({
      vendor: info.vendor ?? "",
      architecture: info.architecture ?? "",
      device: info.device ?? "",
      description: info.description ?? "",
      isFallbackAdapter: info.isFallbackAdapter ?? adapter.isFallbackAdapter ?? false,
    }),
  };
}

/** WebGL2 in this worker, and its renderer (the unmasked one where the browser gives it). */
function webGlProbe(): BrowserAvailability["webgl"] {
  try {
    const gl = typeof OffscreenCanvas === "undefined" ? null : new OffscreenCanvas(1, 1).getContext("webgl2");
    if (!gl) return { available: false, problem: "no WebGL2 in workers" };
    const debug = gl.getExtension("WEBGL_debug_renderer_info");
    const renderer = String(gl.getParameter(debug ? debug.UNMASKED_RENDERER_WEBGL : gl.RENDERER) ?? "");
    gl.getExtension("WEBGL_lose_context")?.loseContext();
    return { available: true, adapter: webGlAdapter(renderer) };
  } catch {
    return { available: false, problem: "no WebGL2 in workers" };
  }
}

async function probe(): Promise<BrowserAvailability> {
  return { webgpu: await webGpuProbe(), webgl: webGlProbe(), wasm: typeof WebAssembly === "object" ? { available: true } : { available: false, problem: "no WebAssembly" } };
}

async function startBackend(backend: BrowserBackend): Promise<boolean> {
  if (backend === "wasm") await import("@tensorflow/tfjs-backend-wasm");
  if (!(await tf.setBackend(backend).catch(() => false))) return false;
  await tf.ready();
  return true;
}

/** The measurement's I/O: the model itself on each candidate, run on a blank letterboxed input of its size. */
function benchmarkHooks(files: ArtifactFiles, metadata: ModelMetadata): BenchmarkHooks {
  let detector: Detector | null = null;
  let input: ReturnType<typeof modelInput> | null = null;
  return {
    async prepare(backend) {
      if (!(await startBackend(backend))) throw new Error(`${backend} did not initialise`);
      detector = await loadDetector(files);
      const blank = tf.fill([metadata.inputSize, metadata.inputSize, 3], LETTERBOX_FILL, "int32") as tf.Tensor3D;
      input = modelInput(blank, metadata.inputSize);
      blank.dispose();
    },
    async infer() {
      await detector!.detectPrepared(input!.batch, [input!.letterbox]);
    },
    release() {
      detector?.dispose();
      input?.batch.dispose();
      detector = null;
      input = null;
    },
    now: () => performance.now(),
  };
}

/** The backend for this setting and model size, started; measures first when "auto" is unsure. */
async function useBackend(request: Extract<WorkerRequest, { type: "load" }>, files: ArtifactFiles, metadata: ModelMetadata): Promise<BackendInUse> {
  if (backendReady?.setting === request.setting && backendReady.inputSize === metadata.inputSize) return { ...backendReady.inUse, measured: null };
  const availability = await probe();
  let answer = chooseBrowserBackend(request.setting, availability);
  let measured: BackendInUse["measured"] = null;
  if (needsMeasuring(answer)) {
    const key = benchmarkKey(navigator.userAgent, metadata.inputSize, answer.measure);
    const remembered = measuredHere.get(key) ?? request.remembered[key];
    const complete = remembered !== undefined && answer.measure.every((b) => remembered[b] !== undefined);
    const timings = complete ? remembered : await measureBackends(answer.measure, benchmarkHooks(files, metadata));
    measuredHere.set(key, timings);
    if (!complete) measured = { key, timings };
    answer = chooseBrowserBackend(request.setting, availability, { timings, remembered: complete });
    if (needsMeasuring(answer)) throw new Error(`the backend measurement missed a candidate (${answer.measure.join(", ")})`);
  }
  for (const backend of [answer.backend, ...answer.fallbacks]) {
    if (await startBackend(backend)) {
      const reason = backend === answer.backend ? answer.reason : `${answer.reason}; ${answer.backend} failed to start, using ${backend}`;
      const inUse: BackendInUse = { backend, reason, warning: backend === answer.backend ? answer.warning : null, measured };
      backendReady = { setting: request.setting, inputSize: metadata.inputSize, inUse };
      return inUse;
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
  if (current?.id === request.modelVersionId && current.setting === request.setting) return { ...current.loaded, measured: null, reused: true };
  const started = performance.now();
  const { files, cached } = await artifactFiles(request.modelVersionId);
  const metadata = parseModelMetadata(files["masklab.json"]);
  const choosing = performance.now();
  const inUse = await useBackend(request, files, metadata);
  // A measurement is reported in the reason; the cold load stays fetch + deserialise + weights.
  const measuringMs = inUse.measured ? performance.now() - choosing : 0;
  current?.detector.dispose();
  current = null;
  const detector = await loadDetector(files);
  const loaded: LoadedModel = {
    modelVersionId: request.modelVersionId,
    ...inUse,
    classes: metadata.classes,
    inputSize: metadata.inputSize,
    architecture: metadata.architecture,
    cached,
    reused: false,
    coldLoadMs: performance.now() - started - measuringMs,
  };
  current = { id: request.modelVersionId, setting: request.setting, loaded, detector, detected: false };
  return loaded;
}

/** RGB pixels of a bitmap, as the server's decoder gives them (alpha dropped). */
function pixelsOf(image: ImageBitmap): RgbImage {
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
  return { data: rgb, width: image.width, height: image.height };
}

async function detect(request: Extract<WorkerRequest, { type: "detect" }>) {
  if (!current) throw new Error("no model loaded");
  const pixels = pixelsOf(request.image);
  const { width, height } = request.image;
  request.image.close();
  const started = performance.now();
  const [found] = await current.detector.detect([pixels], request.scoreThreshold === undefined ? undefined : { scoreThreshold: request.scoreThreshold });
  const inferenceMs = performance.now() - started;
  const first = !current.detected;
  current.detected = true;
  return { detections: found!.map(({ className, score, box }) => ({ className, score, box })), inferenceMs, first, width, height };
}

// One request at a time, in arrival order: TF.js backends are not re-entrant.
let queue: Promise<unknown> = Promise.resolve();
self.onmessage = (event: MessageEvent<unknown>) => {
  const parsed = workerRequestSchema.safeParse(event.data);
  if (!parsed.success) {
    const requestId = requestIdOf(event.data);
    if (requestId !== undefined) post({ type: "error", requestId, message: `not a request the inference worker takes: ${parsed.error.issues[0]?.message}` });
    return;
  }
  const request = parsed.data;
  queue = queue.then(async () => {
    try {
      if (request.type === "load") post({ type: "loaded", requestId: request.requestId, model: await load(request) });
      else post({ type: "detections", requestId: request.requestId, ...(await detect(request)) });
    } catch (error) {
      post({ type: "error", requestId: request.requestId, message: (error as Error).message ?? String(error) });
    }
  });
};
