import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as alertRoute from "@/app/api/alerts/[id]/route";
import * as labelingRoute from "@/app/api/alerts/[id]/labeling/route";
import * as triageRoute from "@/app/api/alerts/[id]/triage/route";
import * as alertsRoute from "@/app/api/alerts/route";
import * as baselinesRoute from "@/app/api/monitoring/baselines/route";
import * as reportsRoute from "@/app/api/monitoring/reports/route";
import * as dashboardRoute from "@/app/api/monitoring/route";
import * as thresholdsRoute from "@/app/api/monitoring/thresholds/route";
import * as imageRoute from "@/app/api/predictions/[id]/image/route";
import { alertDetailSchema } from "@/lib/contracts/http/monitoring";
import { FACEMASK_CLASSES } from "@/lib/domain/classes";
import { createSession, csrfTokenFor, SESSION_COOKIE } from "../auth/sessions";
import { createUser } from "../auth/users";
import { promoteModelVersion, registerModelVersion } from "../models/model-registry";
import { logPrediction } from "../serving/prediction-log";
import { createSampleTestEnv, type SampleTestEnv } from "../testing/test-env";
import { unresolvedAlertCount } from "./alerts";
import { buildWindowBaseline } from "./baselines";
import { predictionVolume } from "./dashboard";
import { computeDriftReport } from "./drift-reports";
import { monitorTick } from "./monitor";
import { IMAGES_SHOWN } from "./root-cause";
import { ModelServer } from "../serving/model-server";

/**
 * The monitoring routes on a real database: the log is written with logPrediction (the serving
 * path's writer) from hand-made observations, so no model runs; what is tested is the boundary.
 */
let env: SampleTestEnv;
let token: string;
let alertId: string;
let keptId: string;
let notKeptId: string;
const T0 = Date.parse("2026-10-05T10:00:00Z");

type Handler = (request: Request, context: { params: Promise<Record<string, string>> }) => Promise<Response>;
const h = (handler: unknown) => handler as Handler;
function call(handler: unknown, url: string, params: Record<string, string> = {}, init: { method?: string; body?: string } = {}) {
  const headers = new Headers({ Cookie: `${SESSION_COOKIE}=${token}`, "Content-Type": "application/json" });
  if (init.method && init.method !== "GET") {
    headers.set("Origin", "http://localhost");
    headers.set("X-CSRF-Token", csrfTokenFor(token));
  }
  return h(handler)(new Request(`http://localhost${url}`, { method: init.method ?? "GET", headers, body: init.body }), { params: Promise.resolve(params) });
}
const post = (handler: unknown, url: string, body: unknown, params: Record<string, string> = {}) => call(handler, url, params, { method: "POST", body: typeof body === "string" ? body : JSON.stringify(body) });

beforeAll(async () => {
  env = await createSampleTestEnv({ count: 12, seed: 8 });
  const lead = await createUser({ email: "lead@example.com", name: "Lead", role: "ml_lead", password: "a long enough password" }, env.db);
  token = (await createSession(lead.id, env.db)).token;
  const version = await registerModelVersion({ name: "m", kind: "one_stage", datasetId: env.summary.datasetId, trainingJobId: null, files: { "model.json": new Uint8Array([123, 125]) }, classes: [...FACEMASK_CLASSES], inputSize: 96, parameterCount: 1, trainingMetrics: {} }, env.store, env.db);
  await promoteModelVersion(version.id, { db: env.db });
  const photo = await env.store.get((await env.db.image.findFirstOrThrow()).contentHash);
  const imageKey = await env.store.put(await sharp(photo).flip().jpeg().toBuffer()); // a photo the dataset does not have
  const observation = (i: number, dark: boolean) => ({
    detections: [{ className: "with_mask", score: 0.5 + (i % 5) / 10, box: { xmin: 10, ymin: 10, xmax: 50 + (i % 7), ymax: 60 } }],
    summary: { countsPerClass: { with_mask: 1, without_mask: 0, mask_weared_incorrect: 0 }, maxScore: 0.5 + (i % 5) / 10, meanScore: 0.5 + (i % 5) / 10 },
    statistics: { brightness: (dark ? 0.1 : 0.5) + (i % 10) / 100, contrast: 0.2, sharpness: 0.01 },
    embedding: Float32Array.from({ length: 128 }, (_, k) => (dark ? (k % 2) : 1) + ((i * k) % 13) / 100),
    inferenceMs: 5,
  });
  for (let hour = 0; hour < 2; hour++) {
    for (let i = 0; i < 210; i++) {
      const logged = await logPrediction({ modelVersionId: version.id, at: new Date(T0 + hour * 3_600_000 + i * 17_000), source: "cam", imageWidth: 320, imageHeight: 240, observation: observation(i, hour === 1), latencyMs: 9, imageKey: hour === 1 && i < 2 ? imageKey : null /* two predictions of one photo */ }, env.db);
      if (hour === 1 && i === 0) keptId = logged.id;
      if (hour === 1 && i === 5) notKeptId = logged.id;
    }
  }
  const minute = (hour: number) => Math.floor((T0 + hour * 3_600_000) / 60_000);
  const baseline = await buildWindowBaseline({ modelVersionId: version.id, startMinute: minute(0), endMinute: minute(1) }, {}, env.db);
  await computeDriftReport(baseline, { startMinute: minute(1), endMinute: minute(2) }, "scheduled", env.db);
  alertId = (await env.db.alert.findFirstOrThrow({ where: { feature: "brightness" } })).id;
}, 60_000);
afterAll(async () => env.cleanup());

describe("dashboard, reports, baselines, thresholds", () => {
  it("answers the dashboard and refuses a bad time range", async () => {
    const ok = await call(dashboardRoute.GET, "/api/monitoring?hours=24");
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ production: { name: "m", version: 1 }, baseline: { source: "window", predictionCount: 210 }, alerts: { open: expect.any(Number) } });
    for (const hours of ["0", "abc", "100000"]) expect((await call(dashboardRoute.GET, `/api/monitoring?hours=${hours}`)).status).toBe(400);
  });

  it("buckets prediction volume by whole hours in SQL", async () => {
    const { id } = await env.db.modelVersion.findFirstOrThrow();
    const start = Math.floor(T0 / 60_000);
    const volume = await predictionVolume(id, start, start + 120, 60, env.db);
    expect(volume.map((v) => [v.at, v.predictions])).toEqual([[new Date(T0).toISOString(), 210], [new Date(T0 + 3_600_000).toISOString(), 210]]);
    expect(volume[0]!.meanLatencyMs).toBe(9);
  });

  it("computes a window on demand and refuses malformed windows", async () => {
    const ok = await post(reportsRoute.POST, "/api/monitoring/reports", { from: new Date(T0 + 3_600_000).toISOString(), to: new Date(T0 + 7_200_000).toISOString() });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ predictionCount: 210, status: "drift" });
    expect((await post(reportsRoute.POST, "/api/monitoring/reports", { from: "2026-10-05T12:00:00Z", to: "2026-10-05T11:00:00Z" })).status).toBe(400);
    expect((await post(reportsRoute.POST, "/api/monitoring/reports", { from: "yesterday", to: "today" })).status).toBe(400);
    expect((await post(reportsRoute.POST, "/api/monitoring/reports", "{not json")).status).toBe(400);
  });

  it("builds a window baseline, or says why not", async () => {
    expect((await post(baselinesRoute.POST, "/api/monitoring/baselines", { from: "2020-01-01T00:00:00Z", to: "2020-01-01T01:00:00Z" })).status).toBe(422);
    const ok = await post(baselinesRoute.POST, "/api/monitoring/baselines", { from: new Date(T0).toISOString(), to: new Date(T0 + 3_600_000).toISOString() });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ predictionCount: 210 });
  });

  it("sets thresholds and refuses impossible ones", async () => {
    const put = (body: unknown) => call(thresholdsRoute.PUT, "/api/monitoring/thresholds", {}, { method: "PUT", body: JSON.stringify(body) });
    const ok = await put({ feature: "contrast", metric: "psi", warning: 0.15, drift: 0.3 });
    expect(ok.status).toBe(200);
    expect((await ok.json()).find((r: { feature: string; metric: string }) => r.feature === "contrast" && r.metric === "psi")).toMatchObject({ warning: 0.15, drift: 0.3, custom: true });
    expect((await put({ feature: "contrast", metric: "psi", warning: 0.3, drift: 0.1 })).status).toBe(400); // drift < warning
    expect((await put({ feature: "contrast", metric: "cosine", warning: 1, drift: 2 })).status).toBe(400); // cosine is the embedding's
    expect((await put({ feature: "nonsense", metric: "psi", warning: 0.1, drift: 0.2 })).status).toBe(400);
    expect((await put({ feature: "contrast", metric: "psi", warning: -1, drift: 0.2 })).status).toBe(400);
    const reset = await put({ feature: "contrast", metric: "psi", warning: 0.1, drift: 0.2, reset: true });
    expect((await reset.json()).find((r: { feature: string; metric: string }) => r.feature === "contrast" && r.metric === "psi")).toMatchObject({ warning: 0.1, custom: false });
  });
});

describe("alerts", () => {
  it("lists with filters and refuses unknown ones", async () => {
    const list = await (await call(alertsRoute.GET, "/api/alerts?status=open&feature=brightness")).json();
    expect(list.map((a: { id: string }) => a.id)).toEqual([alertId]);
    expect((await call(alertsRoute.GET, "/api/alerts?status=burning")).status).toBe(400);
    expect((await call(alertsRoute.GET, "/api/alerts?severity=meh")).status).toBe(400);
  });

  it("answers an alert with its root cause, 404 for unknown ids", async () => {
    const ok = await call(alertRoute.GET, `/api/alerts/${alertId}`, { id: alertId });
    expect(ok.status).toBe(200);
    const body = await ok.json();
    expect(body.alert.events[0].kind).toBe("raised");
    expect(body.rootCause.window.predictionCount).toBe(210);
    expect((await call(alertRoute.GET, "/api/alerts/nope", { id: "nope" })).status).toBe(404);
    expect((await call(alertRoute.GET, "/api/alerts/x", { id: "../../etc" })).status).toBe(404);
  });

  it("gives each root-cause image its size and the model's boxes, so the page can draw them", async () => {
    const { rootCause } = alertDetailSchema.parse(await (await call(alertRoute.GET, `/api/alerts/${alertId}`, { id: alertId })).json());
    const shown = [...rootCause.farthest, ...rootCause.lowestConfidence];
    expect(rootCause.farthest).toHaveLength(IMAGES_SHOWN);
    expect(rootCause.lowestConfidence).toHaveLength(IMAGES_SHOWN);
    for (const image of shown) {
      expect(image).toMatchObject({ width: 320, height: 240 });
      expect(image.detections).toHaveLength(image.boxCount);
      expect(image.detections[0]).toMatchObject({ className: "with_mask", score: image.maxScore, box: [10, 10, expect.any(Number), 60] });
    }
    // The lowest-confidence list is ranked by the logged top score: its boxes are the low ones.
    expect(rootCause.lowestConfidence.every((image) => image.detections[0]!.score === 0.5)).toBe(true);
  });

  it("counts the unresolved alerts the navigation shows", async () => {
    const unresolved = await env.db.alert.count({ where: { status: { in: ["open", "acknowledged", "snoozed"] } } });
    expect(unresolved).toBeGreaterThan(0);
    expect(await unresolvedAlertCount(env.db)).toBe(unresolved);
    const list = await (await call(alertsRoute.GET, "/api/alerts?status=unresolved")).json();
    expect(list).toHaveLength(unresolved); // the nav's count is the inbox's default list
  });

  it("walks the triage states and refuses impossible steps", async () => {
    const triage = (body: unknown, id = alertId) => post(triageRoute.POST, `/api/alerts/${id}/triage`, body, { id });
    expect((await triage({ action: "reopen" })).status).toBe(409); // it is open already
    expect((await triage({ action: "snooze", until: "2020-01-01T00:00:00Z" })).status).toBe(409);
    expect((await triage({ action: "explode" })).status).toBe(400);
    expect((await triage({ action: "note", note: "   " })).status).toBe(400);
    expect((await triage({ action: "assign", assigneeId: "nobody1234" })).status).toBe(409);
    expect((await triage({ action: "acknowledge" }, "missing")).status).toBe(404);
    const ok = await triage({ action: "acknowledge" });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ status: "acknowledged" });
    expect((await triage({ action: "acknowledge" })).status).toBe(409);
  });

  it("sends kept images to labeling, once, and explains what it cannot send", async () => {
    const send = (body: unknown) => post(labelingRoute.POST, `/api/alerts/${alertId}/labeling`, body, { id: alertId });
    expect((await send({ datasetId: env.summary.datasetId, predictionIds: [] })).status).toBe(400);
    expect((await send({ datasetId: "nope", predictionIds: [keptId] })).status).toBe(422);
    const notKept = await send({ datasetId: env.summary.datasetId, predictionIds: [notKeptId] });
    expect(notKept.status).toBe(422);
    expect((await notKept.json()).error).toMatch(/not kept/);
    const twin = (await env.db.prediction.findFirstOrThrow({ where: { imageKey: { not: null }, id: { not: keptId } } })).id;
    const ok = await send({ datasetId: env.summary.datasetId, predictionIds: [keptId, twin, notKeptId] });
    expect(ok.status).toBe(200);
    const result = await ok.json();
    expect(result.added).toBe(1); // the twin is the same photo: one image, not two
    expect(result.skipped.map((s: { predictionId: string }) => s.predictionId).sort()).toEqual([notKeptId, twin].sort());
    expect((await send({ datasetId: env.summary.datasetId, predictionIds: [keptId] })).status).toBe(422); // already in the dataset
  });

  it("serves a kept image and 404s the others", async () => {
    const kept = await call(imageRoute.GET, `/api/predictions/${keptId}/image`, { id: keptId });
    expect(kept.status).toBe(200);
    expect(kept.headers.get("content-type")).toBe("image/jpeg");
    expect((await call(imageRoute.GET, `/api/predictions/${notKeptId}/image`, { id: notKeptId })).status).toBe(404);
    expect((await call(imageRoute.GET, "/api/predictions/x/image", { id: "../x" })).status).toBe(404);
  });
});

describe("the monitor with a model that cannot load", () => {
  it("says why there is no baseline instead of failing every tick", async () => {
    await env.db.baseline.updateMany({ data: { active: false } });
    const server = new ModelServer({ store: env.store, db: env.db });
    const tick = await monitorTick({ server, store: env.store, db: env.db }, { windowMinutes: 60, retentionDays: 3650 });
    expect(tick).toMatchObject({ baselineBuilt: false, report: null });
    expect(tick.message).toMatch(/^cannot build a baseline: m v1 cannot be loaded/);
  }, 60_000);
});
