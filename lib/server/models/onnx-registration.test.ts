import { writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as uploadRoute from "@/app/api/models/onnx/route";
import { FACEMASK_CLASSES } from "@/lib/domain/classes";
import { EMBEDDING_DIMENSIONS } from "@/lib/domain/drift/projection";
import { useNodeBackend } from "@/lib/detection/tf/node-backend";
import { classifierGraph, torchvisionGraph, unknownOpGraph, yoloGraph } from "@/lib/detection/onnx/test-graphs";
import { createSession, csrfTokenFor, SESSION_COOKIE } from "../auth/sessions";
import { createUser } from "../auth/users";
import { evaluateOnTestSplit, readEvaluationSnapshot } from "../evaluation/model-evaluation";
import { buildSplitBaseline } from "../monitoring/baselines";
import { ModelServer } from "../serving/model-server";
import { predictImage } from "../serving/predict";
import { decodeImageRgb } from "../images/decode";
import { solidImage } from "../testing/hostile-files";
import { createSampleTestEnv, type SampleTestEnv } from "../testing/test-env";
import { benchmarkLatency } from "./latency-benchmark";
import { loadModelDetector } from "./model-loader";
import { promoteModelVersion } from "./model-registry";
import { ModelFileTooLargeError, OnnxModelRejectedError, registerOnnxModel } from "./onnx-registration";

/**
 * ONNX models brought in, end to end on a real database and real files: small graphs with the
 * signatures of Ultralytics and torchvision exports (lib/detection/onnx/test-graphs.ts) are
 * registered (verified), evaluated, benchmarked, served and monitored; bad uploads are refused.
 */
let env: SampleTestEnv;
let server: ModelServer;
let token: string;
const CLASSES = [...FACEMASK_CLASSES];

// Two candidates far apart, in 64-px input pixels: class 0 at 0.9 and class 1 at 0.8 (the other scores low).
const YOLO_CANDIDATES = [
  [32, 32, 20, 10, 0.9, 0.1, 0.05],
  [20, 24, 4, 4, 0.02, 0.8, 0.01],
];

async function onnxFile(name: string, bytes: Uint8Array): Promise<string> {
  const file = path.join(env.dir, name);
  await writeFile(file, bytes);
  return file;
}

beforeAll(async () => {
  await useNodeBackend("wasm");
  env = await createSampleTestEnv({ count: 12, seed: 3 });
  server = new ModelServer({ store: env.store, db: env.db }, { productionTtlMs: 0 });
  const lead = await createUser({ email: "lead@example.com", name: "Lead", role: "ml_lead", password: "a long enough password" }, env.db);
  token = (await createSession(lead.id, env.db)).token;
}, 60_000);
afterAll(async () => {
  await server?.dispose();
  await env?.cleanup();
});

describe("an Ultralytics YOLO export", () => {
  let versionId: string;

  it("registers after verification: format onnx, its kind, classes and input size, the graph and masklab.json stored", async () => {
    const filePath = await onnxFile("best.onnx", yoloGraph({ inputSize: 64, numClasses: 3, candidates: YOLO_CANDIDATES }));
    const { version, metadata, verification } = await registerOnnxModel({ filePath, fileName: "best.onnx", kind: "yolo", dataset: "sample", classes: CLASSES }, { store: env.store, db: env.db });
    versionId = version.id;
    expect(version).toMatchObject({ name: "best", version: 1, kind: "yolo", format: "onnx", stage: "candidate", source: "best.onnx", inputSize: 64 });
    expect(metadata).toMatchObject({ format: "masklab-onnx/1", classes: CLASSES, preprocessing: { resize: "letterbox", letterboxFill: 114 } });
    expect(verification).toMatchObject({ opset: 17, input: "images [1, 3, 64, 64]", outputs: ["output0 [1, 7, 2]"], testDetections: 6 });
  }, 60_000);

  it("evaluates on the test split through the same loader: every image gets the two candidates, each with its three class scores (multi-label)", async () => {
    const evaluation = await evaluateOnTestSplit(versionId, { store: env.store, db: env.db });
    const snapshot = (await readEvaluationSnapshot(evaluation, env.store))!;
    expect(evaluation.imageCount).toBeGreaterThan(0);
    expect(snapshot.detections).toHaveLength(6 * evaluation.imageCount);
    expect(Math.max(...snapshot.detections.map((d) => d.score))).toBeCloseTo(0.9, 5);
  }, 60_000);

  it("serves: a 128×64 image's box comes back through the letterbox, (22, 27)–(42, 37) in the input → (44, 22)–(84, 42) in the image", async () => {
    await promoteModelVersion(versionId, { db: env.db });
    const result = await predictImage(await solidImage(128, 64), {}, { server, store: env.store, db: env.db });
    expect(result.model).toMatchObject({ id: versionId, name: "best" });
    // candidate 2, (18, 22)–(22, 26) in the input: x / 0.5 → 36, 44; (y − 16) / 0.5 → 12, 20
    expect(result.detections).toEqual([
      { className: "with_mask", score: expect.closeTo(0.9, 5), box: { xmin: 44, ymin: 22, xmax: 84, ymax: 42 } },
      { className: "without_mask", score: expect.closeTo(0.8, 5), box: { xmin: 36, ymin: 12, xmax: 44, ymax: 20 } },
    ]);
    const logged = await env.db.prediction.findUniqueOrThrow({ where: { id: result.predictionId } });
    expect(logged.modelVersionId).toBe(versionId);
  }, 60_000);

  it("is monitored: the baseline is built from the reference embedding, the same for every ONNX model", async () => {
    const baseline = await buildSplitBaseline(versionId, { server, store: env.store, db: env.db });
    expect(baseline.predictionCount).toBeGreaterThan(0);
    expect(baseline.embeddingMean).toHaveLength(EMBEDDING_DIMENSIONS);
    const rgb = { data: new Uint8Array(64 * 48 * 3).fill(120), width: 64, height: 48 };
    const { embedding } = await server.detect(await server.resolve(versionId), rgb);
    expect(embedding).toHaveLength(EMBEDDING_DIMENSIONS);
    expect(embedding!.some((v) => v !== 0)).toBe(true);
  }, 120_000);

  it("post-processes one run of the session each way asked for, as a run per way does", async () => {
    const detector = await loadModelDetector(await env.db.modelVersion.findUniqueOrThrow({ where: { id: versionId } }), env.store);
    const images = [await decodeImageRgb(await solidImage(128, 64)), await decodeImageRgb(await solidImage(64, 96))];
    const ways = [{ scoreThreshold: 0.001, multiLabel: true }, { scoreThreshold: 0.001, multiLabel: true, faces: true }];
    const [classes, faces] = [await detector.detect(images, ways[0]), await detector.detect(images, ways[1])];
    expect(classes[0]).toHaveLength(6);
    expect(faces[0]).toHaveLength(2);
    expect(await detector.detectEachWay(images, ways)).toEqual([classes, faces]);
    detector.dispose();
  }, 60_000);

  it("is benchmarked by timing detect() on the ONNX runtime", async () => {
    const rows = await benchmarkLatency(versionId, { store: env.store, db: env.db, runs: 3, warmupRuns: 1, batchSizes: [1, 2] });
    expect(rows.map((r) => [r.backend, r.batchSize])).toEqual([["onnxruntime-cpu", 1], ["onnxruntime-cpu", 2]]);
    expect(rows[0]!.p50Ms).toBeGreaterThan(0);
  }, 60_000);
});

describe("a torchvision Faster R-CNN export", () => {
  it("takes images at their own size (any-size input) and maps 1-based labels to classes", async () => {
    const filePath = await onnxFile("frcnn.onnx", torchvisionGraph({ numClasses: 3, boxes: [[0.25, 0.25, 0.75, 0.75]], labels: [2], scores: [0.95] }));
    const { version } = await registerOnnxModel({ filePath, fileName: "frcnn.onnx", kind: "torchvision-frcnn", dataset: env.summary.datasetId, name: "frcnn-gpu-run3" }, { store: env.store, db: env.db });
    expect(version).toMatchObject({ name: "frcnn-gpu-run3", kind: "torchvision-frcnn", format: "onnx", inputSize: 1333 });
    const result = await predictImage(await solidImage(160, 80), { model: version.id }, { server, store: env.store, db: env.db });
    expect(result.detections).toEqual([{ className: "without_mask", score: expect.closeTo(0.95, 5), box: { xmin: 40, ymin: 20, xmax: 120, ymax: 60 } }]);
  }, 60_000);
});

describe("bad uploads: a clear 4xx, and nothing registered", () => {
  const attempt = async (bytes: Uint8Array, kind: "yolo" | "torchvision-frcnn" = "yolo", extra: { classes?: string[]; maxBytes?: number } = {}) => {
    const before = await env.db.modelVersion.count();
    const filePath = await onnxFile("bad.onnx", bytes);
    const error = await registerOnnxModel({ filePath, fileName: "bad.onnx", kind, dataset: "sample", classes: extra.classes }, { store: env.store, db: env.db, maxBytes: extra.maxBytes }).then(
      () => null,
      (e: Error) => e,
    );
    expect(await env.db.modelVersion.count()).toBe(before);
    return error;
  };
  const good = () => yoloGraph({ inputSize: 64, numClasses: 3, candidates: YOLO_CANDIDATES });

  it.each([
    ["not ONNX", () => new TextEncoder().encode("this is a text file, not a model"), /not ONNX, or truncated|is not an ONNX model/],
    ["a truncated file", () => good().subarray(0, 150), /not ONNX, or truncated|is not an ONNX model/],
    ["a classification model", () => classifierGraph(), /\[1, 1000\] \(a classification model\?\)/],
    ["an 80-class model for 3 classes", () => yoloGraph({ inputSize: 64, numClasses: 80, candidates: [] }), /for the 3 declared classes .* it must be \[1, 7, N\]/],
    ["an op the runtime lacks", () => unknownOpGraph(64, 3), /ONNX Runtime cannot load this graph .*MasklabImaginaryOp/],
  ])("%s → 422", async (_name, bytes, message) => {
    const error = await attempt(bytes());
    expect(error).toBeInstanceOf(OnnxModelRejectedError);
    expect((error as OnnxModelRejectedError).status).toBe(422);
    expect(error!.message).toMatch(message);
  });

  it("classes that are not the dataset's → 422 naming the catalogue", async () => {
    const error = await attempt(good(), "yolo", { classes: ["face", "mask", "other"] });
    expect(error).toBeInstanceOf(OnnxModelRejectedError);
    expect(error!.message).toMatch(/"face", "mask", "other" are not classes of dataset sample \(with_mask, without_mask, mask_weared_incorrect\)/);
  });

  it("a file over the size limit → 413", async () => {
    const error = await attempt(good(), "yolo", { maxBytes: 100 });
    expect(error).toBeInstanceOf(ModelFileTooLargeError);
    expect((error as ModelFileTooLargeError).status).toBe(413);
  });
});

describe("POST /api/models/onnx", () => {
  const post = (form: FormData, headers: Record<string, string> = {}) =>
    uploadRoute.POST(new Request("http://localhost/api/models/onnx", { method: "POST", body: form, headers: { Cookie: `${SESSION_COOKIE}=${token}`, Origin: "http://localhost", "X-CSRF-Token": csrfTokenFor(token), ...headers } }), { params: Promise.resolve({}) });
  const formOf = (bytes: Uint8Array, fields: Record<string, string>) => {
    const form = new FormData();
    for (const [k, v] of Object.entries(fields)) form.set(k, v);
    form.set("file", new Blob([bytes as Uint8Array<ArrayBuffer>]), "yolo11s.onnx");
    return form;
  };

  it("registers a verified upload (201) and audits it; refuses a bad one (422) and a bad field (400)", async () => {
    const ok = await post(formOf(yoloGraph({ inputSize: 64, numClasses: 3, candidates: YOLO_CANDIDATES }), { kind: "yolo", dataset: "sample", classes: CLASSES.join(","), name: "yolo11s-gpu-run7" }));
    expect(ok.status).toBe(201);
    const body = await ok.json();
    expect(body).toMatchObject({ name: "yolo11s-gpu-run7", version: 1, kind: "yolo", inputSize: 64, classes: CLASSES, verification: { opset: 17 } });
    const row = await env.db.modelVersion.findUniqueOrThrow({ where: { id: body.id } });
    expect(row).toMatchObject({ format: "onnx", source: "yolo11s.onnx" });
    expect(row.createdById).not.toBeNull();
    expect(await env.db.auditLog.count({ where: { action: "model.onnx_registered" } })).toBe(1);

    const refused = await post(formOf(classifierGraph(), { kind: "yolo", dataset: "sample" }));
    expect(refused.status).toBe(422);
    expect((await refused.json()).error).toMatch(/classification model/);
    const badKind = await post(formOf(classifierGraph(), { kind: "resnet", dataset: "sample" }));
    expect(badKind.status).toBe(400);
  }, 60_000);
});
