import { z } from "zod";
import type { ModelFormat } from "@/lib/domain/states";
import { servedDetectionSchema } from "./http/serving";

/**
 * Messages between a page and the browser's inference worker (workers/browser/inference-worker.ts),
 * and the backend words they carry. The worker parses every request, the page every answer.
 */

/** Backends in the browser, best first (the order a fallback walks down): TF.js has them all, onnxruntime-web webgpu and wasm. */
export const BROWSER_BACKENDS = ["webgpu", "webgl", "wasm", "cpu"] as const;
export type BrowserBackend = (typeof BROWSER_BACKENDS)[number];
export const BROWSER_BACKEND_SETTINGS = ["auto", ...BROWSER_BACKENDS] as const;
export type BrowserBackendSetting = (typeof BROWSER_BACKEND_SETTINGS)[number];

/** The model formats a browser runs (a results-only version has no model), each on its own runtime. */
export const BROWSER_MODEL_FORMATS = ["tfjs", "onnx"] as const satisfies readonly ModelFormat[];
export type BrowserModelFormat = (typeof BROWSER_MODEL_FORMATS)[number];
export const BROWSER_RUNTIMES = ["tfjs", "onnxruntime-web"] as const;
export type BrowserRuntime = (typeof BROWSER_RUNTIMES)[number];
export const BROWSER_RUNTIME_OF: Record<BrowserModelFormat, BrowserRuntime> = { tfjs: "tfjs", onnx: "onnxruntime-web" };

/** One candidate's measurement: the mean of its timed inferences, or why it was abandoned. */
export const backendTimingSchema = z.union([z.object({ ms: z.number().nonnegative(), runs: z.number().int().positive() }), z.object({ abandoned: z.string() })]);
export type BackendTiming = z.infer<typeof backendTimingSchema>;
/** A measurement of several backends; also what this browser remembers of one (localStorage JSON). */
export const backendTimingsSchema = z.partialRecord(z.enum(BROWSER_BACKENDS), backendTimingSchema);
export type BackendTimings = z.infer<typeof backendTimingsSchema>;

/** Transferred to the worker, never copied: only an ImageBitmap will do. */
const imageBitmapSchema = z.custom<ImageBitmap>((value) => typeof ImageBitmap !== "undefined" && value instanceof ImageBitmap, "an ImageBitmap");

export const workerRequestSchema = z.discriminatedUnion("type", [
  z.object({
    type: z.literal("load"),
    requestId: z.number().int(),
    modelVersionId: z.string(),
    setting: z.enum(BROWSER_BACKEND_SETTINGS),
    /** this browser's earlier backend measurements, by benchmarkKey (workers have no localStorage) */
    remembered: z.record(z.string(), backendTimingsSchema),
  }),
  z.object({ type: z.literal("detect"), requestId: z.number().int(), image: imageBitmapSchema, scoreThreshold: z.number().min(0).max(1).optional() }),
]);
export type WorkerRequest = z.infer<typeof workerRequestSchema>;

/** A detection computed in the browser: what the prediction API answers for one box. */
export const browserDetectionSchema = servedDetectionSchema;
export type BrowserDetection = z.infer<typeof browserDetectionSchema>;

export const loadedModelSchema = z.object({
  modelVersionId: z.string(),
  backend: z.enum(BROWSER_BACKENDS),
  /** which backend and why ("auto: wasm — webgpu skipped: software adapter (SwiftShader) …") */
  reason: z.string(),
  /** the backend runs on a software adapter (an explicit setting only) */
  warning: z.string().nullable(),
  /** a measurement "auto" just made, for the page to remember in this browser */
  measured: z.object({ key: z.string(), timings: backendTimingsSchema }).nullable(),
  /** what runs the model: TF.js (trained here) or onnxruntime-web (an ONNX model brought in) */
  runtime: z.enum(BROWSER_RUNTIMES),
  classes: z.array(z.string()),
  inputSize: z.number().int().positive(),
  /** artifact from the Cache API (no download) */
  cached: z.boolean(),
  /** already in the worker's memory from an earlier request (the timings are that load's) */
  reused: z.boolean(),
  /** fetch (or cache read) + deserialise + weights on the backend */
  coldLoadMs: z.number().nonnegative(),
});
export type LoadedModel = z.infer<typeof loadedModelSchema>;

export const workerResponseSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("loaded"), requestId: z.number().int(), model: loadedModelSchema }),
  z.object({
    type: z.literal("detections"),
    requestId: z.number().int(),
    detections: z.array(browserDetectionSchema),
    /** pixels in to detections out, in the worker */
    inferenceMs: z.number().nonnegative(),
    /** the model's first detection since it loaded (shaders compile then) */
    first: z.boolean(),
    width: z.number().int().positive(),
    height: z.number().int().positive(),
  }),
  z.object({ type: z.literal("error"), requestId: z.number().int(), message: z.string() }),
]);
export type WorkerResponse = z.infer<typeof workerResponseSchema>;

/** The request a message that failed to parse belongs to, when it says (so its sender hears why). */
export function requestIdOf(message: unknown): number | undefined {
  const parsed = z.object({ requestId: z.number().int() }).safeParse(message);
  return parsed.success ? parsed.data.requestId : undefined;
}
