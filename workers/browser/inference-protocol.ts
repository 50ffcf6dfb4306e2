import type { PixelBox } from "@/lib/domain/box";
import type { BackendTimings, BrowserBackend, BrowserBackendSetting } from "@/lib/detection/tf/browser-backend";

/** Messages between the page and the browser's inference worker (workers/browser/inference-worker.ts). */
export type WorkerRequest =
  /** remembered: this browser's earlier backend measurements, by benchmarkKey (workers have no localStorage) */
  | { type: "load"; requestId: number; modelVersionId: string; setting: BrowserBackendSetting; remembered: Record<string, BackendTimings> }
  | { type: "detect"; requestId: number; image: ImageBitmap; scoreThreshold?: number };

export interface BrowserDetection {
  className: string;
  score: number;
  /** image pixels, 0-based, max exclusive */
  box: PixelBox;
}

export interface LoadedModel {
  modelVersionId: string;
  backend: BrowserBackend;
  /** which backend and why ("auto: wasm — webgpu skipped: software adapter (SwiftShader) …") */
  reason: string;
  /** the backend runs on a software adapter (an explicit setting only) */
  warning: string | null;
  /** a measurement "auto" just made, for the page to remember in this browser */
  measured: { key: string; timings: BackendTimings } | null;
  classes: string[];
  inputSize: number;
  architecture: string;
  /** artifact from the Cache API (no download) */
  cached: boolean;
  /** already in the worker's memory from an earlier request (the timings are that load's) */
  reused: boolean;
  /** fetch (or cache read) + deserialise + weights on the backend */
  coldLoadMs: number;
}

export type WorkerResponse =
  | { type: "loaded"; requestId: number; model: LoadedModel }
  | { type: "detections"; requestId: number; detections: BrowserDetection[]; inferenceMs: number; first: boolean; width: number; height: number }
  | { type: "error"; requestId: number; message: string };
