import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backendTimingsSchema, requestIdOf, workerRequestSchema, workerResponseSchema, type LoadedModel } from "./worker-messages";

/** Node has no ImageBitmap: a stand-in class, as the worker's global would be. */
class FakeImageBitmap {
  width = 4;
  height = 3;
}
const globals = globalThis as { ImageBitmap?: unknown };
beforeAll(() => {
  globals.ImageBitmap = FakeImageBitmap;
});
afterAll(() => {
  delete globals.ImageBitmap;
});

const loaded: LoadedModel = {
  modelVersionId: "m1",
  backend: "wasm",
  reason: "auto: wasm — webgpu skipped: software adapter (SwiftShader)",
  warning: null,
  measured: { key: "masklab.backendTimings:x", timings: { wasm: { ms: 350, runs: 2 }, webgl: { abandoned: "warm-up took 9 s" } } },
  classes: ["with_mask", "without_mask"],
  inputSize: 416,
  runtime: "tfjs",
  cached: false,
  reused: false,
  coldLoadMs: 812.5,
};

describe("the inference worker's messages", () => {
  it("stored backend measurements are checked when read back", () => {
    expect(backendTimingsSchema.safeParse({ wasm: { ms: 350, runs: 2 }, webgl: { abandoned: "warm-up took 9 s" } }).success).toBe(true);
    expect(backendTimingsSchema.safeParse({ wasm: { ms: "fast" } }).success).toBe(false);
    expect(backendTimingsSchema.safeParse({ cuda: { ms: 1, runs: 1 } }).success).toBe(false);
  });

  it("the worker takes a load and a detect on an ImageBitmap, and nothing else", () => {
    const image = new FakeImageBitmap();
    expect(workerRequestSchema.parse({ type: "load", requestId: 1, modelVersionId: "m1", setting: "auto", remembered: {} })).toMatchObject({ type: "load", setting: "auto" });
    const detect = workerRequestSchema.parse({ type: "detect", requestId: 2, image, scoreThreshold: 0.05 });
    expect(detect.type === "detect" && detect.image).toBe(image);
    expect(workerRequestSchema.safeParse({ type: "detect", requestId: 3, image: { width: 4, height: 3 } }).success).toBe(false);
    expect(workerRequestSchema.safeParse({ type: "load", requestId: 4, modelVersionId: "m1", setting: "cuda", remembered: {} }).success).toBe(false);
    expect(workerRequestSchema.safeParse({ type: "train", requestId: 5 }).success).toBe(false);
  });

  it("the page takes the worker's answers as the worker sends them", () => {
    expect(workerResponseSchema.parse({ type: "loaded", requestId: 1, model: loaded })).toEqual({ type: "loaded", requestId: 1, model: loaded });
    const detections = { type: "detections", requestId: 2, detections: [{ className: "with_mask", score: 0.9, box: { xmin: 1, ymin: 2, xmax: 30, ymax: 40 } }], inferenceMs: 41.2, first: true, width: 640, height: 480 };
    expect(workerResponseSchema.parse(detections)).toEqual(detections);
    expect(workerResponseSchema.parse({ type: "error", requestId: 3, message: "no model loaded" })).toMatchObject({ type: "error" });
    expect(workerResponseSchema.safeParse({ type: "loaded", requestId: 1, model: { ...loaded, runtime: "onnxruntime-node" } }).success).toBe(false);
  });

  it("a message that does not parse still names its request when it has one", () => {
    expect(requestIdOf({ type: "detect", requestId: 7, image: null })).toBe(7);
    expect(requestIdOf("hello")).toBeUndefined();
  });
});
