import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as evaluationRoute from "@/app/api/evaluations/[id]/route";
import * as reviewRoute from "@/app/api/evaluations/[id]/review/route";
import * as rollbackRoute from "@/app/api/models/rollback/route";
import { FACEMASK_CLASSES } from "@/lib/domain/classes";
import { createSession, csrfTokenFor, SESSION_COOKIE } from "../auth/sessions";
import { createUser } from "../auth/users";
import { storeEvaluation } from "./model-evaluation";
import { registerModelVersion } from "../models/model-registry";
import { createSampleTestEnv, type SampleTestEnv } from "../testing/test-env";
import { loadSplit } from "../training/training-data";

/** The evaluation and rollback routes on a real database: what they answer for good and bad requests. */
let env: SampleTestEnv;
let token: string;
let evaluationId: string;

type Handler = (request: Request, context: { params: Promise<Record<string, string>> }) => Promise<Response>;
function call(handler: Handler, url: string, params: Record<string, string>, init: { method?: string; body?: string } = {}) {
  const headers = new Headers({ Cookie: `${SESSION_COOKIE}=${token}`, "Content-Type": "application/json" });
  if (init.method && init.method !== "GET") {
    headers.set("Origin", "http://localhost");
    headers.set("X-CSRF-Token", csrfTokenFor(token));
  }
  return handler(new Request(`http://localhost${url}`, { method: init.method ?? "GET", headers, body: init.body }), { params: Promise.resolve(params) });
}

beforeAll(async () => {
  env = await createSampleTestEnv({ count: 20, seed: 4 });
  const lead = await createUser({ email: "lead@example.com", name: "Lead", role: "ml_lead", password: "a long enough password" }, env.db);
  token = (await createSession(lead.id, env.db)).token;
  const test = await loadSplit(env.summary.datasetId, "test", FACEMASK_CLASSES, env.db);
  const version = await registerModelVersion(
    { name: "m", kind: "one_stage", datasetId: env.summary.datasetId, trainingJobId: null, files: { "model.json": new Uint8Array([123, 125]) }, classes: [...FACEMASK_CLASSES], inputSize: 128, parameterCount: 1, trainingMetrics: {} },
    env.store,
    env.db,
  );
  const images = test.map((i) => ({ imageId: i.imageId, fileName: i.fileName, width: i.width, height: i.height, boxes: i.boxes.map((b) => ({ className: FACEMASK_CLASSES[b.classIndex]!, box: b.box })) }));
  evaluationId = (await storeEvaluation({ modelVersionId: version.id, datasetId: env.summary.datasetId, split: "test", snapshot: { classes: [...FACEMASK_CLASSES], images, detections: [] }, postprocess: {} }, { store: env.store, db: env.db })).id;
}, 60_000);
afterAll(async () => env.cleanup());

describe("GET /api/evaluations/:id", () => {
  it("answers the evaluation with its snapshot, and 404 for an unknown or malformed id", async () => {
    const ok = await call(evaluationRoute.GET as unknown as Handler, `/api/evaluations/${evaluationId}`, { id: evaluationId });
    expect(ok.status).toBe(200);
    const view = await ok.json();
    expect(view).toMatchObject({ id: evaluationId, source: "m v1", split: "test", snapshot: { detections: [] } });
    expect(view.metrics.AP50).toBe(0); // nothing detected: AP 0 for the classes that have labels
    const figures = await call(evaluationRoute.GET as unknown as Handler, `/api/evaluations/${evaluationId}?snapshot=0`, { id: evaluationId });
    expect(await figures.json()).toMatchObject({ id: evaluationId, snapshot: null, metrics: { AP50: 0 } });
    expect((await call(evaluationRoute.GET as unknown as Handler, `/api/evaluations/${evaluationId}?snapshot=yes`, { id: evaluationId })).status).toBe(400);
    expect((await call(evaluationRoute.GET as unknown as Handler, "/api/evaluations/nope", { id: "nope" })).status).toBe(404);
    expect((await call(evaluationRoute.GET as unknown as Handler, "/api/evaluations/x", { id: "../../etc" })).status).toBe(404);
  });
});

describe("POST /api/evaluations/:id/review", () => {
  const review = (id: string, body: string) => call(reviewRoute.POST as unknown as Handler, `/api/evaluations/${id}/review`, { id }, { method: "POST", body });

  it("refuses bad bodies with a clear 400 and unknown evaluations with 404", async () => {
    const empty = await review(evaluationId, JSON.stringify({ imageIds: [] }));
    expect(empty.status).toBe(400);
    expect((await empty.json()).error).toMatch(/choose at least one image/);
    expect((await review(evaluationId, "{not json")).status).toBe(400);
    expect((await review(evaluationId, JSON.stringify({ imageIds: ["a/b"] }))).status).toBe(400);
    expect((await review(evaluationId, JSON.stringify({ imageIds: ["a"], minScore: 2 }))).status).toBe(400);
    expect((await review("missing", JSON.stringify({ imageIds: ["a"] }))).status).toBe(404);
  });

  it("skips images the evaluation does not flag (nothing was detected, so nothing accuses a label)", async () => {
    const response = await review(evaluationId, JSON.stringify({ imageIds: ["someimage"] }));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ sent: [], skipped: [{ imageId: "someimage", reason: "not flagged by this evaluation" }] });
  });
});

describe("POST /api/models/rollback", () => {
  it("answers 409 while nothing is in production", async () => {
    const response = await call(rollbackRoute.POST as unknown as Handler, "/api/models/rollback", {}, { method: "POST" });
    expect(response.status).toBe(409);
    expect((await response.json()).error).toBe("no model is in production");
  });
});
