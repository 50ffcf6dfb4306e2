import { readFileSync } from "node:fs";
import path from "node:path";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { z } from "zod";
import { apiKeyListSchema, auditLogSchema, currentUserSchema, userListSchema } from "@/lib/contracts/http/accounts";
import { datasetListSchema } from "@/lib/contracts/http/datasets";
import { evaluationViewSchema } from "@/lib/contracts/http/evaluation";
import { healthReportSchema } from "@/lib/contracts/http/health";
import { imageCountSchema, imagePageSchema } from "@/lib/contracts/http/images";
import { reviewCommentListSchema, revisionListSchema, storedAnnotationsSchema } from "@/lib/contracts/http/labels";
import { alertDetailSchema, alertListSchema, monitoringDashboardSchema, thresholdRowListSchema } from "@/lib/contracts/http/monitoring";
import { trainingJobDetailSchema, trainingJobListSchema } from "@/lib/contracts/http/training";
import { FACEMASK_CLASSES } from "@/lib/domain/classes";
import { createApiKey } from "../auth/api-keys";
import { createWorkerToken } from "../training/worker-tokens";
import { workerTokenListSchema } from "@/lib/contracts/http/worker-tokens";
import { createSession, csrfTokenFor, SESSION_COOKIE } from "../auth/sessions";
import { createUser } from "../auth/users";
import { storeEvaluation } from "../evaluation/model-evaluation";
import { enqueueJob } from "../training/job-queue";
import { registerModelVersion } from "../models/model-registry";
import { raiseAlerts } from "../monitoring/alerts";
import { logPrediction } from "../serving/prediction-log";
import { discoverRoutes, type ApiRoute } from "../testing/api-routes";
import { createSampleTestEnv, type SampleTestEnv } from "../testing/test-env";

/**
 * Conventions every API route keeps, checked by walking every route module under app/api with
 * real records behind the ids: signed-in answers are never stored by a cache unless the route
 * serves immutable bytes, and an id that names nothing is a 404.
 */
let env: SampleTestEnv;
let adminId: string;
const ids: Record<string, string> = {};

/** Routes that serve bytes that never change under their URL: the browser may keep them (private only). */
const IMMUTABLE_BYTES = new Set(["GET /api/images/[id]/thumbnail", "GET /api/images/[id]/file", "GET /api/models/[id]/files/[file]", "GET /api/predictions/[id]/image", "GET /api/tfjs-wasm/[file]", "GET /api/onnxruntime-web/[version]/[file]"]);

/** The contract (lib/contracts/http) of each GET that answers JSON, which the client parses it with. */
const ANSWERS: Record<string, z.ZodType> = {
  "GET /api/health": healthReportSchema,
  "GET /api/auth/me": currentUserSchema,
  "GET /api/datasets": datasetListSchema,
  "GET /api/datasets/[id]/images": imagePageSchema,
  "GET /api/datasets/[id]/images/count": imageCountSchema,
  "GET /api/images/[id]/annotations": storedAnnotationsSchema,
  "GET /api/images/[id]/revisions": revisionListSchema,
  "GET /api/images/[id]/comments": reviewCommentListSchema,
  "GET /api/users": userListSchema,
  "GET /api/api-keys": apiKeyListSchema,
  "GET /api/audit": auditLogSchema,
  "GET /api/evaluations/[id]": evaluationViewSchema,
  "GET /api/monitoring": monitoringDashboardSchema,
  "GET /api/monitoring/thresholds": thresholdRowListSchema,
  "GET /api/alerts": alertListSchema,
  "GET /api/alerts/[id]": alertDetailSchema,
  "GET /api/training-jobs": trainingJobListSchema,
  "GET /api/training-jobs/[id]": trainingJobDetailSchema,
  "GET /api/worker-tokens": workerTokenListSchema,
};

/**
 * The remote worker API takes worker tokens only, and answers 409 for a job the worker does not
 * hold whether it exists or not: its conventions are tested where a worker meets them
 * (lib/server/training/remote/worker-protocol.test.ts, remote-worker.test.ts).
 */
const forPeople = (route: ApiRoute) => !route.pattern.startsWith("/api/worker/");

/** JSON answers that are not ours to shape: the OpenAPI document follows OpenAPI's own schema. */
const NOT_A_CONTRACT = new Set(["GET /api/v1/openapi.json"]);

/** The query a GET needs beyond its path to answer 200. */
const QUERY: Record<string, string> = { "GET /api/datasets/[id]/export": "?format=voc" };

/** A well-formed body for each state-changing [id] route, so that only the unknown id can fail it. */
const VALID_BODY: Record<string, unknown> = {
  "POST /api/alerts/[id]/labeling": { datasetId: "missing-dataset", predictionIds: ["missing-prediction"] },
  "POST /api/alerts/[id]/triage": { action: "acknowledge" },
  "POST /api/evaluations/[id]/review": { imageIds: ["missing-image"] },
  "PUT /api/images/[id]/annotations": { expectedVersion: 0, boxes: [] },
  "POST /api/images/[id]/comments": { body: "the box is too wide" },
  "POST /api/images/[id]/revisions/[version]/restore": { expectedVersion: 0 },
  "PATCH /api/users/[id]": { role: "annotator" },
};

/** The installed onnxruntime-web's version: its runtime files are served under it. */
const ONNXRUNTIME_WEB_VERSION = (JSON.parse(readFileSync(path.join(process.cwd(), "node_modules", "onnxruntime-web", "package.json"), "utf8")) as { version: string }).version;

function realParam(name: string, pattern: string): string {
  if (pattern.startsWith("/api/worker/")) return "not-walked-here";
  const ortRuntime = pattern.startsWith("/api/onnxruntime-web");
  if (name === "version") return ortRuntime ? ONNXRUNTIME_WEB_VERSION : "1";
  if (name === "file") return pattern.startsWith("/api/tfjs-wasm") ? "tfjs-backend-wasm.wasm" : ortRuntime ? "ort-wasm-simd-threaded.wasm" : "model.json";
  const noun = pattern.split("/")[2]!; // /api/<noun>/[id]/…
  const id = ids[noun];
  if (!id) throw new Error(`no record seeded for ${pattern}`);
  return id;
}

async function call(route: ApiRoute, body?: unknown, query = ""): Promise<Response> {
  // A fresh session per call: POST /api/auth/logout ends the one it is called with.
  const token = (await createSession(adminId, env.db)).token;
  const headers = new Headers({ Cookie: `${SESSION_COOKIE}=${token}`, "Content-Type": "application/json" });
  if (route.method !== "GET") {
    headers.set("Origin", "http://localhost");
    headers.set("X-CSRF-Token", csrfTokenFor(token));
  }
  const init = { method: route.method, headers, body: route.method === "GET" ? undefined : JSON.stringify(body ?? {}) };
  return route.handler(new Request(route.url + query, init), { params: Promise.resolve(route.params) });
}

beforeAll(async () => {
  env = await createSampleTestEnv({ count: 3, seed: 5 });
  const datasetId = env.summary.datasetId;
  adminId = (await createUser({ email: "admin@example.com", name: "Admin", role: "admin", password: "a long enough password" }, env.db)).id;
  const model = await registerModelVersion({ name: "m", kind: "one_stage", datasetId, trainingJobId: null, files: { "model.json": new TextEncoder().encode("{}") }, classes: [...FACEMASK_CLASSES], inputSize: 96, parameterCount: 1, trainingMetrics: {} }, env.store, env.db);
  const image = await env.db.image.findFirstOrThrow({ where: { datasetId } });
  const imageKey = await env.store.put(await sharp(await env.store.get(image.contentHash)).jpeg().toBuffer());
  const prediction = await logPrediction(
    {
      modelVersionId: model.id,
      at: new Date(),
      source: "cam",
      imageWidth: 320,
      imageHeight: 240,
      observation: {
        detections: [],
        summary: { countsPerClass: { with_mask: 0, without_mask: 0, mask_weared_incorrect: 0 }, maxScore: 0, meanScore: 0 },
        statistics: { brightness: 0.5, contrast: 0.2, sharpness: 0.01 },
        embedding: new Float32Array(128).fill(1),
        inferenceMs: 5,
      },
      latencyMs: 9,
      imageKey,
    },
    env.db,
  );
  const baseline = await env.db.baseline.create({ data: { modelVersionId: model.id, source: "split", predictionCount: 100, reference: {} } });
  const hour = Date.now() - 3_600_000;
  await raiseAlerts(baseline.id, { id: "report-1", windowStart: new Date(hour), windowEnd: new Date(hour + 3_600_000) }, [{ feature: "brightness", metric: "psi", value: 0.3, threshold: 0.2, severity: "critical" }], { predictionCount: 300, status: "drift", features: [], embedding: null }, env.db);
  const evaluation = await storeEvaluation({ modelVersionId: model.id, datasetId, split: "test", snapshot: { classes: [...FACEMASK_CLASSES], images: [], detections: [] }, postprocess: {} }, { store: env.store, db: env.db });
  const job = await enqueueJob({ datasetId, kind: "one_stage", config: { preset: "quick-cpu", epochs: 1 } }, { db: env.db });
  const key = await createApiKey({ name: "k", scopes: ["predict"], createdById: adminId }, env.db);
  Object.assign(ids, {
    alerts: (await env.db.alert.findFirstOrThrow()).id,
    "api-keys": key.record.id,
    "worker-tokens": (await createWorkerToken({ name: "w" }, { actorId: adminId }, env.db)).id,
    datasets: datasetId,
    evaluations: evaluation.id,
    images: image.id,
    models: model.id,
    predictions: prediction.id,
    "training-jobs": job.id,
    users: adminId,
  });
}, 120_000);
afterAll(async () => env?.cleanup());

describe("caching of API answers", () => {
  it("every GET answers 200 with real records, and only immutable bytes may be cached (privately); everything else is no-store", async () => {
    const routes = (await discoverRoutes(realParam)).filter((r) => r.method === "GET" && forPeople(r));
    expect(routes.map((r) => r.key)).toEqual(expect.arrayContaining(["GET /api/monitoring", "GET /api/monitoring/thresholds", "GET /api/alerts", "GET /api/alerts/[id]"]));
    const wrong = [];
    for (const route of routes) {
      const response = await call(route, undefined, QUERY[route.key]);
      const cacheControl = response.headers.get("cache-control") ?? "(none)";
      const cacheable = IMMUTABLE_BYTES.has(route.key) && /^private, max-age=\d+/.test(cacheControl);
      if (response.status !== 200 || (cacheControl !== "no-store" && !cacheable)) wrong.push({ route: route.key, status: response.status, cacheControl });
      await response.body?.cancel();
    }
    expect(wrong).toEqual([]);
  });

  it("every answer of a state-changing route, success or refusal, is no-store", async () => {
    const routes = (await discoverRoutes(realParam)).filter((r) => r.method !== "GET");
    const wrong = [];
    for (const route of routes) {
      const response = await call(route, VALID_BODY[route.key]);
      const cacheControl = response.headers.get("cache-control");
      if (cacheControl !== "no-store") wrong.push({ route: route.key, status: response.status, cacheControl });
      await response.body?.cancel();
    }
    expect(wrong).toEqual([]);
  });
});

describe("unknown ids", () => {
  it("every route with an id in its path answers 404 for an id that names nothing", async () => {
    const routes = (await discoverRoutes((name) => (name === "version" ? "1" : name === "file" ? "model.json" : "missing-record"))).filter(
      (r) => Object.keys(r.params).length > 0 && forPeople(r),
    );
    expect(routes.length).toBeGreaterThan(20);
    const wrong = [];
    for (const route of routes) {
      const response = await call(route, VALID_BODY[route.key], QUERY[route.key]);
      if (response.status !== 404) wrong.push({ route: route.key, status: response.status });
      await response.body?.cancel();
    }
    expect(wrong).toEqual([]);
  });
});

describe("contracts of API answers", () => {
  it("every GET that answers JSON has a contract in lib/contracts/http, and its answer with real records parses through it", async () => {
    const routes = (await discoverRoutes(realParam)).filter((r) => r.method === "GET" && !IMMUTABLE_BYTES.has(r.key) && !NOT_A_CONTRACT.has(r.key) && forPeople(r));
    const wrong = [];
    for (const route of routes) {
      const response = await call(route, undefined, QUERY[route.key]);
      if (!response.headers.get("content-type")?.startsWith("application/json")) {
        await response.body?.cancel();
        continue;
      }
      const contract = ANSWERS[route.key];
      const parsed = contract?.safeParse(await response.json());
      if (!parsed?.success) wrong.push({ route: route.key, problem: parsed ? parsed.error.issues[0] : "no contract" });
    }
    expect(wrong).toEqual([]);
  });
});
