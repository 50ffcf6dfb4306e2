/// <reference lib="webworker" />
/**
 * The browser's inference worker: loads a model version (browser-model.ts: a TF.js artifact or an
 * ONNX graph, from the Cache API when this version was downloaded before), picks a backend for its
 * runtime (lib/detection/tf/browser-backend.ts: never a software adapter in "auto", measuring when
 * an adapter does not say what it is), and detects with the same lib/detection code the server
 * serves with. It runs off the main thread so the page never freezes while shaders compile,
 * weights upload or backends are measured.
 */
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
import { LETTERBOX_FILL, type RgbImage } from "@/lib/detection/common/preprocess";
import type { Detector } from "@/lib/detection/detector";
import { measureBackends, type BenchmarkHooks } from "@/lib/detection/tf/browser-backend-benchmark";
import {
  benchmarkKey,
  chooseBrowserBackend,
  needsMeasuring,
  webGlAdapter,
  webGpuAdapter,
  type BrowserAvailability,
  type BrowserBackendChoice,
} from "@/lib/detection/tf/browser-backend";
import { fetchBrowserModel, type BrowserModel } from "./browser-model";

declare const self: DedicatedWorkerGlobalScope;

let current: { id: string; setting: BrowserBackendSetting; loaded: LoadedModel; detector: Detector; detected: boolean } | null = null;
/** The last choice, by runtime, setting and input size: another model of the same kind is not probed or measured again. */
let lastChoice: { key: string; answer: BrowserBackendChoice } | null = null;
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

/** What this browser offers the model's runtime: the probes, less the backends the runtime lacks. */
async function probe(model: BrowserModel): Promise<BrowserAvailability> {
  const found: BrowserAvailability = { webgpu: await webGpuProbe(), webgl: webGlProbe(), wasm: typeof WebAssembly === "object" ? { available: true } : { available: false, problem: "no WebAssembly" } };
  for (const [backend, problem] of Object.entries(model.unavailable)) found[backend as BrowserBackend] = { available: false, problem };
  return found;
}

/** The measurement's I/O: the model itself on each candidate, on a blank image of its input size. */
function benchmarkHooks(model: BrowserModel): BenchmarkHooks {
  const side = model.metadata.inputSize;
  const blank: RgbImage = { data: new Uint8Array(side * side * 3).fill(LETTERBOX_FILL), width: side, height: side };
  let detector: Detector | null = null;
  return {
    async prepare(backend) {
      if (!(await model.start(backend))) throw new Error(`${backend} did not initialise`);
      detector = await model.load(backend);
    },
    async infer() {
      await detector!.detect([blank]);
    },
    release() {
      detector?.dispose();
      detector = null;
    },
    now: () => performance.now(),
  };
}

/** The backend choice for this setting and model; measures first when "auto" is unsure. */
async function chooseBackend(request: Extract<WorkerRequest, { type: "load" }>, model: BrowserModel): Promise<{ answer: BrowserBackendChoice; measured: LoadedModel["measured"] }> {
  const key = `${model.runtime}:${request.setting}:${model.metadata.inputSize}`;
  if (lastChoice?.key === key) return { answer: lastChoice.answer, measured: null };
  const availability = await probe(model);
  let answer = chooseBrowserBackend(request.setting, availability);
  let measured: LoadedModel["measured"] = null;
  if (needsMeasuring(answer)) {
    const timingsKey = benchmarkKey(navigator.userAgent, model.runtime, model.metadata.inputSize, answer.measure);
    const remembered = measuredHere.get(timingsKey) ?? request.remembered[timingsKey];
    const complete = remembered !== undefined && answer.measure.every((b) => remembered[b] !== undefined);
    const timings = complete ? remembered : await measureBackends(answer.measure, benchmarkHooks(model));
    measuredHere.set(timingsKey, timings);
    if (!complete) measured = { key: timingsKey, timings };
    answer = chooseBrowserBackend(request.setting, availability, { timings, remembered: complete });
    if (needsMeasuring(answer)) throw new Error(`the backend measurement missed a candidate (${answer.measure.join(", ")})`);
  }
  lastChoice = { key, answer };
  return { answer, measured };
}

/** The model on the chosen backend, else down its fallbacks, saying which and why. */
async function loadOnBackend(model: BrowserModel, answer: BrowserBackendChoice): Promise<{ detector: Detector; backend: BrowserBackend; reason: string; warning: string | null }> {
  const failed: string[] = [];
  let lastError: unknown = null;
  for (const backend of [answer.backend, ...answer.fallbacks]) {
    if (!(await model.start(backend))) {
      failed.push(`${backend} failed to start`);
      continue;
    }
    try {
      const detector = await model.load(backend);
      if (backend === answer.backend) return { detector, backend, reason: answer.reason, warning: answer.warning };
      return { detector, backend, reason: `${answer.reason}; ${failed.join(", ")}: using ${backend}`, warning: null };
    } catch (error) {
      lastError = error;
      failed.push(`${backend} could not run the model (${(error as Error).message ?? String(error)})`);
    }
  }
  if (lastError) throw lastError;
  throw new Error(`no ${model.runtime} backend could start in this browser`);
}

async function load(request: Extract<WorkerRequest, { type: "load" }>): Promise<LoadedModel> {
  // The editor asks again on every image: the model in memory is kept, its timings reported as they were.
  if (current?.id === request.modelVersionId && current.setting === request.setting) return { ...current.loaded, measured: null, reused: true };
  const started = performance.now();
  const { model, cached } = await fetchBrowserModel(request.modelVersionId);
  const choosing = performance.now();
  const { answer, measured } = await chooseBackend(request, model);
  // A measurement is reported in the reason; the cold load stays fetch + deserialise + weights.
  const measuringMs = measured ? performance.now() - choosing : 0;
  current?.detector.dispose();
  current = null;
  const { detector, backend, reason, warning } = await loadOnBackend(model, answer);
  const loaded: LoadedModel = {
    modelVersionId: request.modelVersionId,
    backend,
    reason,
    warning,
    measured,
    runtime: model.runtime,
    classes: model.metadata.classes,
    inputSize: model.metadata.inputSize,
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

// One request at a time, in arrival order: TF.js backends and ONNX sessions are not re-entrant.
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
