/// <reference lib="webworker" />
/**
 * A model version as the browser's inference worker runs it, whatever its format: the one place
 * in the browser that tells a TF.js artifact (trained here) from an ONNX one (brought in), by the
 * format its masklab.json declares. Each answers with the backends its runtime has and loads a
 * Detector on one of them; the worker's backend choice, measurement and detection never branch.
 */
import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-webgpu";
import { setWasmPaths } from "@tensorflow/tfjs-backend-wasm";
import type { InferenceSession } from "onnxruntime-common";
import { z } from "zod";
import {
  ARTIFACT_FILES,
  ONNX_ARTIFACT_FILES,
  onnxModelMetadataSchema,
  parseModelMetadata,
  parseOnnxModelMetadata,
  type DetectorMetadata,
} from "@/lib/contracts/artifact";
import { BROWSER_RUNTIME_OF, type BrowserBackend, type BrowserModelFormat, type BrowserRuntime } from "@/lib/contracts/worker-messages";
import type { Detector } from "@/lib/detection/detector";
import { loadDetector } from "@/lib/detection/families";
import { onnxDetector } from "@/lib/detection/onnx/onnx-detector";

const MODEL_CACHE = "masklab-models-v1";
/** onnxruntime-web's own wasm and glue, from the installed package (app/api/onnxruntime-web), under its version so they cache for good. */
export const ONNX_RUNTIME_FILES_PATH = "/api/onnxruntime-web/";
setWasmPaths("/api/tfjs-wasm/");

export interface BrowserModel {
  metadata: DetectorMetadata;
  runtime: BrowserRuntime;
  /** the backends its runtime has; the others are offered to the backend choice as unavailable, with why */
  unavailable: Partial<Record<BrowserBackend, string>>;
  /** gets `backend` ready in this worker (TF.js: makes it current); false when it does not start here */
  start(backend: BrowserBackend): Promise<boolean>;
  /** the model as a Detector on a backend start() accepted (throws when that backend cannot run it); the caller disposes it */
  load(backend: BrowserBackend): Promise<Detector>;
}

/** An ONNX model's masklab.json declares its own format; anything else is read as a TF.js model's, whose parser names any problem. */
const declaresOnnx = z.object({ format: onnxModelMetadataSchema.shape.format });

function formatOf(masklab: Uint8Array): BrowserModelFormat {
  try {
    return declaresOnnx.safeParse(JSON.parse(new TextDecoder().decode(masklab))).success ? "onnx" : "tfjs";
  } catch {
    return "tfjs";
  }
}

/** The artifact's files as a browser fetches them: from the Cache API when this version was fetched before (URLs are immutable per version). */
async function artifactReader(modelVersionId: string) {
  const cache = typeof caches === "undefined" ? null : await caches.open(MODEL_CACHE).catch(() => null);
  let cached = true;
  const read = async (file: string) => {
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
  return { read, cached: () => cached };
}

/** A model version's files, fetched (or read from the cache) and parsed, ready to start on a backend. */
export async function fetchBrowserModel(modelVersionId: string): Promise<{ model: BrowserModel; cached: boolean }> {
  const files = await artifactReader(modelVersionId);
  const masklab = await files.read("masklab.json");
  const model = formatOf(masklab) === "onnx" ? await onnxBrowserModel(files.read, masklab) : await tfjsBrowserModel(files.read, masklab);
  return { model, cached: files.cached() };
}

async function startTfBackend(backend: BrowserBackend): Promise<boolean> {
  if (backend === "wasm") await import("@tensorflow/tfjs-backend-wasm");
  if (!(await tf.setBackend(backend).catch(() => false))) return false;
  await tf.ready();
  return true;
}

async function tfjsBrowserModel(read: (file: string) => Promise<Uint8Array>, masklab: Uint8Array): Promise<BrowserModel> {
  const metadata = parseModelMetadata(masklab);
  const [model, weights] = await Promise.all(ARTIFACT_FILES.filter((f) => f !== "masklab.json").map(read));
  return {
    metadata,
    runtime: BROWSER_RUNTIME_OF.tfjs,
    unavailable: {},
    start: startTfBackend,
    load: () => loadDetector({ "model.json": model!, "weights.bin": weights!, "masklab.json": masklab }),
  };
}

/** onnxruntime-web's execution provider for a backend: its JSEP build for WebGPU, the plain (half as large) wasm build otherwise. */
const importOrt = (backend: BrowserBackend) => (backend === "webgpu" ? import("onnxruntime-web") : import("onnxruntime-web/wasm"));
type Ort = Awaited<ReturnType<typeof importOrt>>;

function configure(ort: Ort): Ort {
  ort.env.wasm.wasmPaths = `${ONNX_RUNTIME_FILES_PATH}${ort.env.versions.web}/`;
  // Threads need SharedArrayBuffer, which needs cross-origin isolation (COEP), which Masklab's pages do not set.
  ort.env.wasm.numThreads = self.crossOriginIsolated ? Math.min(4, navigator.hardwareConcurrency || 1) : 1;
  // Already in a worker: no second proxy worker.
  ort.env.wasm.proxy = false;
  ort.env.logLevel = "error";
  return ort;
}

async function onnxBrowserModel(read: (file: string) => Promise<Uint8Array>, masklab: Uint8Array): Promise<BrowserModel> {
  const metadata = parseOnnxModelMetadata(masklab);
  const graph = await read(ONNX_ARTIFACT_FILES.find((f) => f !== "masklab.json")!);
  return {
    metadata,
    runtime: BROWSER_RUNTIME_OF.onnx,
    unavailable: { webgl: "onnxruntime-web runs ONNX models on webgpu or wasm", cpu: "onnxruntime-web runs on the CPU as wasm" },
    async start(backend) {
      if (backend !== "webgpu" && backend !== "wasm") return false;
      // Letterbox and resize are Masklab's shared TF.js code (onnx-input.ts): on the CPU here, leaving the GPU to the model.
      return (await startTfBackend("wasm")) || (await startTfBackend("cpu"));
    },
    async load(backend) {
      const ort = configure(await importOrt(backend));
      const session: InferenceSession = await ort.InferenceSession.create(graph, { executionProviders: [backend === "webgpu" ? "webgpu" : "wasm"], graphOptimizationLevel: "all" });
      return onnxDetector({ session, Tensor: ort.Tensor, name: `onnxruntime-${backend}` }, metadata);
    },
  };
}
