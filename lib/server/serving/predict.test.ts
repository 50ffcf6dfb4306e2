import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as predictRoute from "@/app/api/v1/predict/route";
import { parseStored } from "@/lib/contracts/stored/parse";
import { predictionDetectionsColumn } from "@/lib/contracts/stored/serving";
import { useNodeBackend } from "@/lib/detection/tf/node-backend";
import { generateScene, sceneToSvg } from "@/lib/domain/synthetic-scene";
import { createSession, csrfTokenFor, SESSION_COOKIE } from "../auth/sessions";
import { createUser } from "../auth/users";
import { claimNextJob, enqueueJob } from "../training/job-queue";
import { runClaimedJob } from "../training/job-runner";
import { promoteModelVersion, registerModelVersion } from "../models/model-registry";
import { createSampleTestEnv, type SampleTestEnv } from "../testing/test-env";
import { detectorRunner } from "../training/detector-runner";
import { ModelServer } from "./model-server";
import { predictImage } from "./predict";

const body = (bytes: Buffer) => new Uint8Array(bytes);
const servers: ModelServer[] = [];
const serverFor = (options: ConstructorParameters<typeof ModelServer>[1] = {}) => {
  const server = new ModelServer({ store: env.store, db: env.db }, options);
  servers.push(server);
  return server;
};

/** Serving on a real database with a real (tiny) trained model and real image bytes. */
let env: SampleTestEnv;
let modelVersionId: string;
let photo: Buffer;
let token: string;

beforeAll(async () => {
  await useNodeBackend("wasm");
  env = await createSampleTestEnv({ count: 20, seed: 4 });
  const job = await enqueueJob({ datasetId: env.summary.datasetId, kind: "one_stage", config: { preset: "quick-cpu", inputSize: 128, epochs: 1, batchSize: 8, maskJudge: false } }, { db: env.db });
  await env.db.worker.create({ data: { id: "serving-test", kind: "training", hostname: "test", pid: 1, status: "idle" } });
  const claimed = (await claimNextJob("serving-test", { kinds: ["one_stage"], leaseMs: 60_000, db: env.db }))!;
  expect(await runClaimedJob(claimed, detectorRunner("one_stage"), { workerId: "serving-test", leaseMs: 60_000, heartbeatMs: 1000, db: env.db, store: env.store })).toBe("succeeded");
  modelVersionId = (await env.db.modelVersion.findUniqueOrThrow({ where: { trainingJobId: job.id } })).id;
  photo = await sharp(Buffer.from(sceneToSvg(generateScene(3, 0)))).jpeg().toBuffer();
  const lead = await createUser({ email: "lead@example.com", name: "Lead", role: "ml_lead", password: "a long enough password" }, env.db);
  token = (await createSession(lead.id, env.db)).token;
}, 180_000);
afterAll(async () => {
  await Promise.all(servers.map((server) => server.dispose()));
  await env?.cleanup();
});

describe("predictImage", () => {
  it("runs the production model, answers boxes in image pixels, and logs the prediction", async () => {
    const server = serverFor({ productionTtlMs: 0 });
    await expect(predictImage(photo, {}, { server, store: env.store, db: env.db })).rejects.toThrow(/no model version is in production/);
    await promoteModelVersion(modelVersionId, { db: env.db });
    const result = await predictImage(photo, { source: "cam-1" }, { server, store: env.store, db: env.db });
    const { width, height } = await sharp(photo).metadata();
    expect(result).toMatchObject({ model: { id: modelVersionId, version: 1 }, image: { width, height } });
    for (const d of result.detections) {
      expect(["with_mask", "without_mask", "mask_weared_incorrect"]).toContain(d.className);
      expect(d.score).toBeGreaterThanOrEqual(0.25); // serving's threshold
      expect(d.box.xmin).toBeGreaterThanOrEqual(0);
      expect(d.box.xmax).toBeLessThanOrEqual(width!);
    }
    expect(Object.values(result.summary.countsPerClass).reduce((a, b) => a + b, 0)).toBe(result.detections.length);
    expect(result.imageStatistics.brightness).toBeGreaterThan(0);
    expect(result.timing.inferenceMs).toBeGreaterThan(0);
    expect(result.timing.totalMs).toBeGreaterThanOrEqual(result.timing.inferenceMs);
    // The model stays loaded, in every inference thread; a second request loads nothing new.
    expect(server.loadedVersions()).toEqual([modelVersionId]);
    const threads = await server.threads();
    await predictImage(photo, {}, { server, store: env.store, db: env.db });
    expect(await server.threads()).toEqual(threads);
    for (const thread of threads) expect(thread.versions).toEqual([modelVersionId]);
    const logged = await env.db.prediction.findUniqueOrThrow({ where: { id: result.predictionId } });
    expect(logged).toMatchObject({ modelVersionId, source: "cam-1", imageWidth: width, imageHeight: height, imageKey: null });
    expect(parseStored(predictionDetectionsColumn, logged.detections, logged.id)).toHaveLength(result.detections.length);
  });

  it("keeps the image only when asked", async () => {
    const server = serverFor();
    const kept = await predictImage(photo, { keepImage: true }, { server, store: env.store, db: env.db });
    const row = await env.db.prediction.findUniqueOrThrow({ where: { id: kept.predictionId } });
    expect(row.imageKey).not.toBeNull();
    expect((await env.store.get(row.imageKey!)).equals(photo)).toBe(true);
  });

  it("serves 8 concurrent requests on 2 inference threads, all answered", async () => {
    const server = serverFor({ threads: 2 });
    const results = await Promise.all(Array.from({ length: 8 }, () => predictImage(photo, {}, { server, store: env.store, db: env.db })));
    expect(new Set(results.map((r) => r.predictionId)).size).toBe(8);
    expect(new Set(results.map((r) => JSON.stringify(r.detections))).size).toBe(1); // the same image, the same answer
  });

  it("picks up a promotion on the next request once the production cache expires", async () => {
    const server = serverFor({ productionTtlMs: 0 });
    expect((await server.resolve()).id).toBe(modelVersionId);
    const broken = await registerModelVersion(
      { name: "broken", kind: "one_stage", datasetId: env.summary.datasetId, trainingJobId: null, files: { "model.json": new TextEncoder().encode("not json") }, classes: ["with_mask"], inputSize: 128, parameterCount: 0, trainingMetrics: {} },
      env.store,
      env.db,
    );
    await promoteModelVersion(broken.id, { db: env.db });
    expect((await server.resolve()).id).toBe(broken.id);
    await expect(predictImage(photo, {}, { server, store: env.store, db: env.db })).rejects.toThrow(/broken v1 cannot be loaded/);
    await promoteModelVersion(modelVersionId, { db: env.db });
    expect((await predictImage(photo, {}, { server, store: env.store, db: env.db })).model.id).toBe(modelVersionId);
  });
});

describe("POST /api/v1/predict", () => {
  type Handler = (request: Request, context: { params: Promise<Record<string, string>> }) => Promise<Response>;
  const post = (body: BodyInit | null, type: string | null, query = "") => {
    const headers = new Headers({ Cookie: `${SESSION_COOKIE}=${token}`, Origin: "http://localhost", "X-CSRF-Token": csrfTokenFor(token) });
    if (type) headers.set("Content-Type", type);
    return (predictRoute.POST as unknown as Handler)(new Request(`http://localhost/api/v1/predict${query}`, { method: "POST", headers, body }), { params: Promise.resolve({}) });
  };

  it("answers a raw image body and a multipart one", async () => {
    const raw = await post(body(photo), "image/jpeg", "?source=door-2");
    expect(raw.status).toBe(200);
    expect(await raw.json()).toMatchObject({ model: { id: modelVersionId } });
    const form = new FormData();
    form.set("image", new Blob([body(photo)], { type: "image/jpeg" }), "door.jpg");
    const multipart = new Request("http://localhost/x", { method: "POST", body: form });
    const response = await post(await multipart.arrayBuffer(), multipart.headers.get("content-type"));
    expect(response.status).toBe(200);
  });

  it("refuses bad input with a clear 4xx, never a 500", async () => {
    const cases: Array<[BodyInit | null, string | null, string, number, RegExp]> = [
      ["{}", "application/json", "", 415, /send an image/],
      [null, "image/png", "", 400, /the file is empty/],
      ["definitely not an image", "image/png", "", 400, /not a readable image/],
      [body(photo.subarray(0, Math.floor(photo.length / 2))), "image/jpeg", "", 400, /cannot be decoded/],
      [body(photo), "image/jpeg", "?model=nope", 404, /no model version "nope"/],
      [body(photo), "image/jpeg", "?source=bad%20tag", 400, /source/],
      ["--x\r\n\r\n", "multipart/form-data; boundary=x", "", 400, /multipart|form field named image/],
    ];
    for (const [body, type, query, status, message] of cases) {
      const response = await post(body, type, query);
      expect({ status: response.status, query, type }).toEqual({ status, query, type });
      expect((await response.json()).error).toMatch(message);
    }
    const huge = await sharp({ create: { width: 8000, height: 6000, channels: 3, background: "#777" } }).png({ compressionLevel: 9 }).toBuffer();
    const tooManyPixels = await post(body(huge), "image/png");
    expect(tooManyPixels.status).toBe(413);
    expect((await tooManyPixels.json()).error).toMatch(/pixel limit/);
  });
});
