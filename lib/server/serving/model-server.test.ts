import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as predictRoute from "@/app/api/v1/predict/route";
import type { ModelVersion } from "@/generated/prisma/client";
import type { RgbImage } from "@/lib/detection/common/preprocess";
import { generateScene, sceneToSvg } from "@/lib/domain/synthetic-scene";
import { createSession, csrfTokenFor, SESSION_COOKIE } from "../auth/sessions";
import { createUser } from "../auth/users";
import { decodeImageRgb } from "../images/decode";
import { loadModelDetector } from "../models/model-loader";
import { promoteModelVersion } from "../models/model-registry";
import { registerServedModel } from "../testing/served-model";
import { createSampleTestEnv, type SampleTestEnv } from "../testing/test-env";
import { InferenceThreadError } from "./inference-pool";
import { ServingBusyError } from "./inference-queue";
import { ModelServer } from "./model-server";

/** The model server over real inference threads, with a real (tiny, 64 px) detector: answers, not timings. */
let env: SampleTestEnv;
let first: ModelVersion;
let second: ModelVersion;
let photo: Buffer;
let image: RgbImage;
const servers: ModelServer[] = [];
const serverFor = (options: ConstructorParameters<typeof ModelServer>[1]) => {
  const server = new ModelServer({ store: env.store, db: env.db }, options);
  servers.push(server);
  return server;
};

beforeAll(async () => {
  env = await createSampleTestEnv({ count: 4, seed: 9 });
  first = await registerServedModel(env.summary.datasetId, env, 64);
  second = await registerServedModel(env.summary.datasetId, env, 64, "two_stage");
  photo = await sharp(Buffer.from(sceneToSvg(generateScene(3, 0)))).jpeg().toBuffer();
  image = await decodeImageRgb(photo);
}, 120_000);
afterAll(async () => {
  await Promise.all(servers.map((server) => server.dispose()));
  await env?.cleanup();
});

describe("the model server's inference threads", () => {
  it("answer what the detector answers in this process, and leave the caller's pixels usable", async () => {
    const server = serverFor({ threads: 1 });
    const detector = await loadModelDetector(first, env.store);
    const { detections, embeddings } = await detector.detectWithEmbedding([image]);
    detector.dispose();
    const pixels = image.data.byteLength;
    const answer = await server.detect(first, image);
    expect(answer.detections).toEqual(detections[0]!.map(({ className, score, box }) => ({ className, score, box })));
    expect([...answer.embedding]).toEqual([...embeddings[0]!]);
    expect(answer.inferenceMs).toBeGreaterThan(0);
    expect(image.data.byteLength).toBe(pixels);
  });

  it("answer every one of many concurrent requests on 2 threads, each thread warm with the model", async () => {
    const server = serverFor({ threads: 2 });
    const expected = await server.detect(first, image);
    const answers = await Promise.all(Array.from({ length: 12 }, () => server.detect(first, image)));
    for (const answer of answers) expect(answer.detections).toEqual(expected.detections);
    const threads = await server.threads();
    expect(threads).toHaveLength(2);
    for (const thread of threads) expect(thread).toMatchObject({ backend: "wasm", versions: [first.id] });
    expect(server.queueState()).toMatchObject({ lanes: 2, busy: 0, waiting: 0 });
  });

  it("load a promoted version in every thread beside the old one; requests in flight finish on the old one, which is freed after", async () => {
    const server = serverFor({ threads: 2, productionTtlMs: 0, keepLoaded: 1 });
    await promoteModelVersion(first.id, { db: env.db });
    const before = await server.resolve();
    expect(before.id).toBe(first.id);
    // Several requests of the old version are in the threads and the queue when the promotion lands.
    const inFlight = Array.from({ length: 4 }, () => server.detect(before, image));
    await promoteModelVersion(second.id, { db: env.db });
    const after = await server.resolve();
    expect(after.id).toBe(second.id);
    const swapped = await server.detect(after, image);
    expect((await Promise.all(inFlight)).every((answer) => answer.embedding.length === swapped.embedding.length)).toBe(true);
    expect(server.loadedVersions()).toEqual([second.id]);
    for (const thread of await server.threads()) expect(thread.versions).toEqual([second.id]);
  });

  it("replace a thread that dies: its request fails with a 503 in words, the next ones are answered by a new thread with the model", async () => {
    const server = serverFor({ threads: 2 });
    await server.detect(first, image);
    const [lane0] = await server.threads();
    const held = server.detect(first, image); // the first free thread: lane 0
    await server.terminateThread(0);
    const failure = await held.then(() => null, (error: unknown) => error);
    expect(failure).toBeInstanceOf(InferenceThreadError);
    expect((failure as InferenceThreadError).status).toBe(503);
    expect((failure as Error).message).toMatch(/inference thread running this request stopped/);
    const answers = await Promise.all(Array.from({ length: 4 }, () => server.detect(first, image)));
    expect(answers).toHaveLength(4);
    const threads = await server.threads();
    expect(threads.map((t) => t.lane)).toEqual([0, 1]);
    expect(threads[0]!.threadId).not.toBe(lane0!.threadId);
    expect(threads[0]!.versions).toEqual([first.id]);
  });

  it("stop a thread that hangs past SERVE_TIMEOUT_SECONDS like one that died: its request fails with a 503, a new thread takes the lane", async () => {
    // 1 ms: every inference overruns it, as a hung thread would.
    const server = serverFor({ threads: 1, timeoutMs: 1 });
    await server.detect(first, image).catch(() => undefined); // starts the thread and loads the model
    const [before] = await server.threads();
    // A large photo: its letterbox alone takes the thread well past 1 ms.
    const large = await decodeImageRgb(await sharp(photo).resize(3000, 3000).jpeg().toBuffer());
    const failure = await server.detect(first, large).then(() => null, (error: unknown) => error);
    expect(failure).toBeInstanceOf(InferenceThreadError);
    expect((failure as InferenceThreadError).status).toBe(503);
    const [after] = await server.threads();
    expect(after!.threadId).not.toBe(before!.threadId);
    expect(after!.versions).toEqual([first.id]);
  });

  it("refuse a request when the queue is full (ServingBusyError, Retry-After), and take it again once a place frees", async () => {
    const server = serverFor({ threads: 1, queueLimit: 2 });
    const places = [server.enter(first), server.enter(first)];
    let refused: unknown;
    try {
      server.enter(first);
    } catch (error) {
      refused = error;
    }
    expect(refused).toBeInstanceOf(ServingBusyError);
    expect((refused as ServingBusyError).headers["Retry-After"]).toMatch(/^[1-9]\d*$/);
    places[0]!.leave();
    const answer = await server.detect(first, image, server.enter(first));
    expect(answer.detections).toBeDefined();
    places[1]!.leave();
  });
});

describe("POST /api/v1/predict with a full queue", () => {
  it("answers 503 with Retry-After, and 200 once there is room", async () => {
    await promoteModelVersion(first.id, { db: env.db });
    const lead = await createUser({ email: "serving-lead@example.com", name: "Lead", role: "ml_lead", password: "a long enough password" }, env.db);
    const token = (await createSession(lead.id, env.db)).token;
    type Handler = (request: Request, context: { params: Promise<Record<string, string>> }) => Promise<Response>;
    const post = () =>
      (predictRoute.POST as unknown as Handler)(
        new Request("http://localhost/api/v1/predict", {
          method: "POST",
          headers: { Cookie: `${SESSION_COOKIE}=${token}`, Origin: "http://localhost", "X-CSRF-Token": csrfTokenFor(token), "Content-Type": "image/jpeg" },
          body: new Uint8Array(photo),
        }),
        { params: Promise.resolve({}) },
      );
    const holder = globalThis as { masklabModelServer?: ModelServer };
    const previous = holder.masklabModelServer;
    const server = (holder.masklabModelServer = serverFor({ threads: 1, queueLimit: 1 }));
    try {
      const place = server.enter(first);
      const busy = await post();
      expect(busy.status).toBe(503);
      expect(busy.headers.get("Retry-After")).toMatch(/^[1-9]\d*$/);
      expect((await busy.json()).error).toMatch(/busy/);
      place.leave();
      const answered = await post();
      expect(answered.status).toBe(200);
      expect(await answered.json()).toMatchObject({ model: { id: first.id } });
    } finally {
      holder.masklabModelServer = previous;
    }
  });
});
