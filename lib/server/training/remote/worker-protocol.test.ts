import { createHash } from "node:crypto";
import { request as httpRequest } from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { UPLOAD_CHUNK_BYTES, WORKER_ID_HEADER } from "@/lib/contracts/http/worker-protocol";
import { createApiKey, revokeApiKey } from "../../auth/api-keys";
import { createUser } from "../../auth/users";
import { startRouteServer, type RouteServer } from "../../testing/route-server";
import { createSampleTestEnv, type SampleTestEnv } from "../../testing/test-env";
import { enqueueJob, getJob, listJobLogs } from "../job-queue";

/**
 * The remote worker's HTTP API as a worker on another machine meets it: real route handlers over
 * real loopback HTTP, a real database. What a worker may do with its job, and nothing beyond it.
 */
let env: SampleTestEnv;
let server: RouteServer;
let lead: { id: string };

beforeAll(async () => {
  env = await createSampleTestEnv({ count: 12, seed: 4 });
  server = await startRouteServer({ prefix: "api/worker" });
  lead = await createUser({ email: "lead@example.org", name: "Lead", role: "ml_lead", password: "correct horse battery staple" }, env.db);
});
afterAll(async () => {
  await server.close();
  await env.cleanup();
});

async function token(scopes: Array<"worker" | "predict"> = ["worker"]) {
  return (await createApiKey({ name: `key ${Math.random()}`, scopes, createdById: lead.id }, env.db)).key;
}

function call(key: string, method: string, path: string, options: { workerId?: string; json?: unknown; body?: Uint8Array } = {}) {
  return fetch(`${server.url}/${path}`, {
    method,
    headers: {
      Authorization: `Bearer ${key}`,
      ...(options.workerId ? { [WORKER_ID_HEADER]: options.workerId } : {}),
      ...(options.json !== undefined ? { "Content-Type": "application/json" } : {}),
      ...(options.body ? { "Content-Type": "application/octet-stream" } : {}),
    },
    body: options.json !== undefined ? JSON.stringify(options.json) : (options.body as BodyInit | undefined),
  });
}

async function register(key: string) {
  const response = await call(key, "POST", "api/worker/register", { json: { hostname: "gpu-box", pid: 42, capabilities: { backend: "wasm", jobKinds: ["one_stage"] } } });
  expect(response.status).toBe(201);
  return ((await response.json()) as { workerId: string }).workerId;
}

async function claim(key: string, workerId: string) {
  const response = await call(key, "POST", "api/worker/claim", { workerId, json: { kinds: ["one_stage"], leaseMs: 60_000 } });
  expect(response.status).toBe(200);
  return ((await response.json()) as { job: { id: string } | null }).job;
}

const sha256 = (bytes: Uint8Array) => createHash("sha256").update(bytes).digest("hex");

describe("the remote worker API", () => {
  it("takes worker tokens only: a predict key is refused, a revoked token stops working, a worker id belongs to its token", async () => {
    const predictKey = await token(["predict"]);
    expect((await call(predictKey, "POST", "api/worker/register", { json: { hostname: "h", pid: 1, capabilities: {} } })).status).toBe(403);
    const noKey = await fetch(`${server.url}/api/worker/claim`, { method: "POST", body: "{}" });
    expect(noKey.status).toBe(401);

    const first = await token();
    const second = await token();
    const workerId = await register(first);
    const worker = await env.db.worker.findUniqueOrThrow({ where: { id: workerId } });
    expect(worker).toMatchObject({ hostname: "gpu-box", pid: 42, tokenId: expect.any(String), status: "idle" });
    // Another token cannot speak for this worker.
    const borrowed = await call(second, "POST", "api/worker/heartbeat", { workerId, json: { status: "busy" } });
    expect(borrowed.status).toBe(401);
    expect((await call(first, "POST", "api/worker/heartbeat", { workerId, json: { status: "busy" } })).status).toBe(204);

    await revokeApiKey(worker.tokenId!, env.db);
    const revoked = await call(first, "POST", "api/worker/claim", { workerId, json: { kinds: ["one_stage"], leaseMs: 60_000 } });
    expect(revoked.status).toBe(401);
  });

  it("lets a worker act on the job it holds and on nothing else: another job's state, images outside its snapshot, another job's model", async () => {
    const [keyA, keyB] = [await token(), await token()];
    const [workerA, workerB] = [await register(keyA), await register(keyB)];
    const jobA = (await enqueueJob({ datasetId: env.summary.datasetId, kind: "one_stage", config: { preset: "quick-cpu" } }, { db: env.db })).id;
    const jobB = (await enqueueJob({ datasetId: env.summary.datasetId, kind: "one_stage", config: { preset: "quick-cpu" } }, { db: env.db })).id;
    expect((await claim(keyA, workerA))?.id).toBe(jobA);
    expect((await claim(keyB, workerB))?.id).toBe(jobB);

    // B writes to A's job: every route refuses, nothing changes.
    const attempts = [
      call(keyB, "POST", `api/worker/jobs/${jobA}/logs`, { workerId: workerB, json: { level: "info", message: "not mine" } }),
      call(keyB, "POST", `api/worker/jobs/${jobA}/finish`, { workerId: workerB, json: { ending: "succeeded" } }),
      call(keyB, "GET", `api/worker/jobs/${jobA}/snapshot`, { workerId: workerB }),
      call(keyB, "POST", `api/worker/jobs/${jobA}/uploads`, { workerId: workerB, json: { purpose: "checkpoint", size: 3, sha256: sha256(new Uint8Array([1, 2, 3])) } }),
      call(keyB, "POST", `api/worker/jobs/${jobA}/model`, {
        workerId: workerB,
        json: { name: "x", files: { "model.json": "a", "weights.bin": "b", "masklab.json": "c" }, classes: ["with_mask"], inputSize: 128, parameterCount: 1, trainingMetrics: { selectedEpoch: 1, selectedBy: "val mAP50" } },
      }),
    ];
    for (const response of await Promise.all(attempts)) expect(response.status, await response.text()).toBe(409);
    const finishOther = await call(keyB, "POST", `api/worker/jobs/${jobA}/finish`, { workerId: workerB, json: { ending: "failed", error: "x" } });
    expect(finishOther.status).toBe(409);
    const leaseOther = await call(keyB, "POST", `api/worker/jobs/${jobA}/lease`, { workerId: workerB, json: { leaseMs: 60_000 } });
    expect(await leaseOther.json()).toEqual({ ok: false, cancelRequested: false });
    expect(await getJob(jobA, env.db)).toMatchObject({ status: "running", workerId: workerA });
    expect((await listJobLogs(jobA, { db: env.db })).map((l) => l.message)).not.toContain("not mine");

    // A's snapshot: train and val with labels, test images without them.
    const snapshotAnswer = await call(keyA, "GET", `api/worker/jobs/${jobA}/snapshot`, { workerId: workerA });
    expect(snapshotAnswer.status).toBe(200);
    const snapshot = (await snapshotAnswer.json()) as { train: Array<{ contentHash: string; boxes: unknown[] }>; test: Array<Record<string, unknown>> };
    expect(snapshot.train.length).toBeGreaterThan(0);
    expect(snapshot.test.length).toBeGreaterThan(0);
    expect(snapshot.test.every((image) => !("boxes" in image))).toBe(true);
    const image = await call(keyA, "GET", `api/worker/jobs/${jobA}/images/${snapshot.train[0]!.contentHash}`, { workerId: workerA });
    expect(sha256(new Uint8Array(await image.arrayBuffer()))).toBe(snapshot.train[0]!.contentHash);
    // A blob that exists but is not an image of the snapshot (the snapshot itself) is refused.
    const jobRow = await env.db.trainingJob.findUniqueOrThrow({ where: { id: jobA } });
    const outside = await call(keyA, "GET", `api/worker/jobs/${jobA}/images/${jobRow.snapshotKey}`, { workerId: workerA });
    expect(outside.status).toBe(403);
    // The snapshot is fixed: relabelling after the first request does not change what the job trains on.
    const firstTrain = snapshot.train[0]!;
    await env.db.box.deleteMany({ where: { image: { contentHash: firstTrain.contentHash } } });
    const again = (await (await call(keyA, "GET", `api/worker/jobs/${jobA}/snapshot`, { workerId: workerA })).json()) as typeof snapshot;
    expect(again.train[0]!.boxes).toEqual(firstTrain.boxes);

    // A ends its run: its last log line still lands; B's never does, and A can no longer write the job's state.
    expect(await (await call(keyA, "POST", `api/worker/jobs/${jobA}/finish`, { workerId: workerA, json: { ending: "succeeded" } })).json()).toEqual({ ok: true, released: null });
    expect((await call(keyA, "POST", `api/worker/jobs/${jobA}/logs`, { workerId: workerA, json: { level: "info", message: "succeeded" } })).status).toBe(204);
    expect((await call(keyB, "POST", `api/worker/jobs/${jobA}/logs`, { workerId: workerB, json: { level: "info", message: "not mine either" } })).status).toBe(409);
    expect((await call(keyA, "POST", `api/worker/jobs/${jobA}/finish`, { workerId: workerA, json: { ending: "failed", error: "rewrite" } })).status).toBe(409);
    expect(await getJob(jobA, env.db)).toMatchObject({ status: "succeeded", error: null });
    expect((await listJobLogs(jobA, { db: env.db })).at(-1)?.message).toBe("succeeded");
  });

  it("resumes an upload after a connection cut mid-chunk, refuses a wrong offset and bytes that do not match the announced sha256", async () => {
    const key = await token();
    const workerId = await register(key);
    const jobId = (await enqueueJob({ datasetId: env.summary.datasetId, kind: "one_stage", config: { preset: "quick-cpu" } }, { db: env.db })).id;
    expect((await claim(key, workerId))?.id).toBe(jobId);
    const file = new Uint8Array(UPLOAD_CHUNK_BYTES + 1000).map((_, i) => (i * 7) % 251);
    const start = await call(key, "POST", `api/worker/jobs/${jobId}/uploads`, { workerId, json: { purpose: "checkpoint", size: file.byteLength, sha256: sha256(file) } });
    const { uploadId } = (await start.json()) as { uploadId: string };
    const uploadPath = `api/worker/jobs/${jobId}/uploads/${uploadId}`;

    // Half of the first chunk, then the socket is destroyed: the server records nothing.
    await new Promise<void>((resolve) => {
      const url = new URL(`${server.url}/${uploadPath}?offset=0`);
      const cut = httpRequest(url, { method: "PUT", headers: { Authorization: `Bearer ${key}`, [WORKER_ID_HEADER]: workerId, "Content-Length": String(UPLOAD_CHUNK_BYTES), "Content-Type": "application/octet-stream" } });
      cut.on("error", () => resolve());
      cut.write(file.subarray(0, UPLOAD_CHUNK_BYTES / 2), () => setTimeout(() => cut.destroy(), 100));
      cut.on("close", () => resolve());
    });
    await new Promise((resolve) => setTimeout(resolve, 200));
    const state = (await (await call(key, "GET", uploadPath, { workerId })).json()) as { received: number };
    expect(state.received).toBe(0);

    expect((await call(key, "PUT", `${uploadPath}?offset=5`, { workerId, body: file.subarray(5, 10) })).status).toBe(409);
    const firstChunk = await call(key, "PUT", `${uploadPath}?offset=0`, { workerId, body: file.subarray(0, UPLOAD_CHUNK_BYTES) });
    expect(await firstChunk.json()).toMatchObject({ received: UPLOAD_CHUNK_BYTES, complete: false });
    const last = await call(key, "PUT", `${uploadPath}?offset=${UPLOAD_CHUNK_BYTES}`, { workerId, body: file.subarray(UPLOAD_CHUNK_BYTES) });
    expect(await last.json()).toMatchObject({ received: file.byteLength, complete: true });
    const recorded = await call(key, "POST", `api/worker/jobs/${jobId}/checkpoint`, { workerId, json: { uploadId, epoch: 3 } });
    expect(await recorded.json()).toEqual({ ok: true });
    const back = await call(key, "GET", `api/worker/jobs/${jobId}/checkpoint`, { workerId });
    expect(back.headers.get("x-checkpoint-epoch")).toBe("3");
    expect(sha256(new Uint8Array(await back.arrayBuffer()))).toBe(sha256(file));

    // Bytes that are not the announced file: refused, and the upload starts over.
    const liar = new Uint8Array([1, 2, 3, 4]);
    const lie = await call(key, "POST", `api/worker/jobs/${jobId}/uploads`, { workerId, json: { purpose: "artifact", size: 4, sha256: sha256(new Uint8Array([9, 9, 9, 9])) } });
    const lieId = ((await lie.json()) as { uploadId: string }).uploadId;
    const refused = await call(key, "PUT", `api/worker/jobs/${jobId}/uploads/${lieId}?offset=0`, { workerId, body: liar });
    expect(refused.status).toBe(422);
    expect(await (await call(key, "GET", `api/worker/jobs/${jobId}/uploads/${lieId}`, { workerId })).json()).toMatchObject({ received: 0, complete: false });
  });

  it("registers a model only from files that check out: weights that do not match model.json's manifest are refused", async () => {
    const key = await token();
    const workerId = await register(key);
    const jobId = (await enqueueJob({ datasetId: env.summary.datasetId, kind: "one_stage", config: { preset: "quick-cpu" } }, { db: env.db })).id;
    expect((await claim(key, workerId))?.id).toBe(jobId);
    const upload = async (bytes: Uint8Array) => {
      const start = await call(key, "POST", `api/worker/jobs/${jobId}/uploads`, { workerId, json: { purpose: "artifact", size: bytes.byteLength, sha256: sha256(bytes) } });
      const { uploadId } = (await start.json()) as { uploadId: string };
      expect((await call(key, "PUT", `api/worker/jobs/${jobId}/uploads/${uploadId}?offset=0`, { workerId, body: bytes })).status).toBe(200);
      return uploadId;
    };
    const text = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));
    const metadata = {
      format: "masklab-detector/1",
      architecture: "mld1s",
      width: "n",
      backbone: "face-mobilenet-v1",
      classes: ["with_mask", "without_mask", "mask_weared_incorrect"],
      inputSize: 128,
      strides: [8],
      preprocessing: { letterboxFill: 114, normalize: "pixels/127.5-1" },
      postprocessing: { scoreThreshold: 0.25, iouThreshold: 0.6, maxDetections: 100 },
    };
    const files = {
      "model.json": await upload(text({ modelTopology: {}, weightsManifest: [{ paths: ["weights.bin"], weights: [{ name: "w", shape: [2, 3], dtype: "float32" }] }] })),
      "weights.bin": await upload(new Uint8Array(20)),
      "masklab.json": await upload(text(metadata)),
    };
    const answer = await call(key, "POST", `api/worker/jobs/${jobId}/model`, {
      workerId,
      json: { name: "remote-model", files, classes: metadata.classes, inputSize: 128, parameterCount: 6, trainingMetrics: { selectedEpoch: 1, selectedBy: "val mAP50" } },
    });
    expect(answer.status).toBe(422);
    expect(((await answer.json()) as { error: string }).error).toMatch(/weights\.bin holds 20 bytes; model\.json's manifest needs 24/);
    expect(await env.db.modelVersion.count({ where: { trainingJobId: jobId } })).toBe(0);
  });
});
