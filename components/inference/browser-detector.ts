"use client";

import {
  backendTimingsSchema,
  requestIdOf,
  workerResponseSchema,
  type BackendTimings,
  type BrowserBackendSetting,
  type BrowserDetection,
  type LoadedModel,
  type WorkerRequest,
  type WorkerResponse,
} from "@/lib/contracts/worker-messages";
import { BENCHMARK_KEY_PREFIX, isBrowserBackendSetting } from "@/lib/detection/tf/browser-backend";

type Distribute<T> = T extends unknown ? Omit<T, "requestId"> : never;

/** The page's side of the inference worker: promises over its messages. */
export class BrowserDetector {
  private readonly worker: Worker;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (value: WorkerResponse) => void; reject: (error: Error) => void }>();

  constructor() {
    this.worker = new Worker(new URL("../../workers/browser/inference-worker.ts", import.meta.url), { type: "module" });
    this.worker.onmessage = (event: MessageEvent<unknown>) => {
      const answer = workerResponseSchema.safeParse(event.data);
      const requestId = answer.success ? answer.data.requestId : requestIdOf(event.data);
      const waiting = requestId === undefined ? undefined : this.pending.get(requestId);
      if (requestId === undefined || !waiting) return;
      this.pending.delete(requestId);
      if (!answer.success) waiting.reject(new Error(`unexpected answer from the inference worker: ${answer.error.issues[0]?.message}`));
      else if (answer.data.type === "error") waiting.reject(new Error(answer.data.message));
      else waiting.resolve(answer.data);
    };
    this.worker.onerror = (event) => {
      for (const waiting of this.pending.values()) waiting.reject(new Error(event.message || "the inference worker failed"));
      this.pending.clear();
    };
  }

  private send(request: Distribute<WorkerRequest>, transfer: Transferable[] = []): Promise<WorkerResponse> {
    const requestId = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(requestId, { resolve, reject });
      this.worker.postMessage({ ...request, requestId }, transfer);
    });
  }

  async load(modelVersionId: string, setting: BrowserBackendSetting): Promise<LoadedModel> {
    const response = await this.send({ type: "load", modelVersionId, setting, remembered: rememberedTimings() });
    if (response.type !== "loaded") throw new Error("unexpected answer from the inference worker");
    if (response.model.measured) rememberTimings(response.model.measured.key, response.model.measured.timings);
    return response.model;
  }

  /** Detections in image pixels; the bitmap is handed over to the worker (and closed there). */
  async detect(image: ImageBitmap, scoreThreshold?: number): Promise<{ detections: BrowserDetection[]; inferenceMs: number; first: boolean }> {
    const response = await this.send({ type: "detect", image, scoreThreshold }, [image]);
    if (response.type !== "detections") throw new Error("unexpected answer from the inference worker");
    return response;
  }

  terminate(): void {
    this.worker.terminate();
  }
}

let shared: BrowserDetector | null = null;

/** One worker per tab: the editor remounts on every image, the loaded model and compiled shaders stay. */
export function sharedBrowserDetector(): BrowserDetector {
  shared ??= new BrowserDetector();
  return shared;
}

const SETTING_KEY = "masklab.inferenceBackend";

/** The user's backend setting for in-browser inference (Settings → this browser), "auto" by default. */
export function storedBackendSetting(): BrowserBackendSetting {
  if (typeof localStorage === "undefined") return "auto";
  const value = localStorage.getItem(SETTING_KEY);
  return isBrowserBackendSetting(value) ? value : "auto";
}

export function storeBackendSetting(setting: BrowserBackendSetting): void {
  localStorage.setItem(SETTING_KEY, setting);
}

/** The backend measurements "auto" made in this browser before (keyed by user agent, input size and candidates), checked as read. */
function rememberedTimings(): Record<string, BackendTimings> {
  const remembered: Record<string, BackendTimings> = {};
  if (typeof localStorage === "undefined") return remembered;
  for (let i = 0; i < localStorage.length; i++) {
    const key = localStorage.key(i);
    if (!key?.startsWith(BENCHMARK_KEY_PREFIX)) continue;
    try {
      const parsed = backendTimingsSchema.safeParse(JSON.parse(localStorage.getItem(key) ?? "null"));
      if (parsed.success) remembered[key] = parsed.data;
    } catch {
      // not JSON: measured again, and overwritten
    }
  }
  return remembered;
}

function rememberTimings(key: string, timings: BackendTimings): void {
  try {
    localStorage.setItem(key, JSON.stringify(timings));
  } catch {
    // storage full or refused: the next visit measures again
  }
}
