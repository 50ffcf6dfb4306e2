import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as predictRoute from "@/app/api/v1/predict/route";
import { createApiKey } from "../auth/api-keys";
import { runCli } from "../testing/run-cli";
import { promoteModelVersion } from "../models/model-registry";
import { ModelServer } from "../serving/model-server";
import { predictImage } from "../serving/predict";
import { epochMinute } from "../serving/prediction-log";
import { registerServedModel } from "../testing/served-model";
import { createSampleTestEnv, type SampleTestEnv } from "../testing/test-env";
import { createUser } from "../auth/users";
import { getAlert, listAlerts, triageAlert } from "./alerts";
import { activeBaseline, buildSplitBaseline, buildWindowBaseline } from "./baselines";
import { computeDriftReport } from "./drift-reports";
import { monitorTick } from "./monitor";
import { rootCause } from "./root-cause";
import { sendToLabeling } from "./send-to-labeling";
import { replayImages, shiftedStream, type Shift } from "./simulate";
import { setThreshold } from "./thresholds";
import { embeddingSum, windowCounts, windowEmbeddingSum } from "./window-counts";
import { countWindow } from "@/lib/domain/drift/features";

/**
 * The monitoring loop on a real database with a real model: simulated traffic goes through
 * predictImage into the log, a baseline is built from a production window, and windows are judged
 * in SQL. A stable stream raises nothing; a dark stream alerts on brightness.
 */
let env: SampleTestEnv;
let server: ModelServer;
let modelVersionId: string;
const T0 = Date.parse("2026-11-02T08:00:00Z");
const WINDOW = 60; // minutes, one window per hour of simulated traffic
const PER_WINDOW = 240;

async function replay(shift: Shift, hour: number, offset: number, options: { keep?: boolean; source?: string } = {}) {
  const images = await replayImages("sample", { store: env.store, db: env.db });
  const stream = shiftedStream(images, shift);
  for (let i = 0; i < PER_WINDOW; i++) {
    const at = new Date(T0 + hour * 3_600_000 + Math.floor((i * WINDOW * 60_000) / PER_WINDOW));
    await predictImage(await stream.pick(offset + i), { source: stream.source(options.source ?? "cam-1"), keepImage: options.keep, at }, { server, store: env.store, db: env.db });
  }
}
const windowOf = (hour: number) => ({ startMinute: epochMinute(new Date(T0 + hour * 3_600_000)), endMinute: epochMinute(new Date(T0 + (hour + 1) * 3_600_000)) });

beforeAll(async () => {
  env = await createSampleTestEnv({ count: 240, seed: 31 });
  modelVersionId = (await registerServedModel(env.summary.datasetId, env)).id;
  await promoteModelVersion(modelVersionId, { db: env.db });
  server = new ModelServer({ store: env.store, db: env.db }, { productionTtlMs: 0 });
  // Hour 0: normal traffic, the baseline window. Hour 1: the same kind of images, shifted by one
  // image so no window repeats another image for image. Hour 2: an underexposed camera.
  await replay("none", 0, 0);
  await replay("none", 1, 120);
  await replay("dark", 2, 0, { keep: true });
  await replay("camera", 3, 0);
}, 600_000);
afterAll(async () => {
  await server?.dispose();
  await env?.cleanup();
});

describe("the prediction log", () => {
  it("logs every prediction with its statistics, boxes and a compact embedding", async () => {
    expect(await env.db.prediction.count()).toBe(4 * PER_WINDOW);
    const row = await env.db.prediction.findFirstOrThrow({ where: { minute: windowOf(0).startMinute }, include: { boxes: true } });
    expect(row.embedding!.byteLength).toBe(4 + 128);
    expect(row.boxes).toHaveLength(row.boxCount);
    expect(row.brightness).toBeGreaterThan(0);
  });

  it("aggregates a window in SQL exactly as counting the rows in memory does", async () => {
    const baseline = await buildWindowBaseline({ modelVersionId, ...windowOf(0) }, {}, env.db);
    const sql = await windowCounts({ modelVersionId, ...windowOf(2) }, baseline.references, env.db);
    const rows = await env.db.prediction.findMany({ where: { minute: { gte: windowOf(2).startMinute, lt: windowOf(2).endMinute } }, include: { boxes: true } });
    expect(sql.predictionCount).toBe(PER_WINDOW);
    expect(sql.counts).toEqual(countWindow(baseline.references, rows.map((r) => ({ ...r, boxes: r.boxes }))));
  });

  it("adds closed hours up from rollups, streaming only the ragged edges, to the same sum", async () => {
    const ragged = { modelVersionId, startMinute: windowOf(0).startMinute + 17, endMinute: windowOf(2).startMinute + 23 };
    const streamed = await embeddingSum(ragged, env.db);
    const first = await windowEmbeddingSum(ragged, env.db);
    expect(await env.db.embeddingRollup.count()).toBe(1); // hour 1, the only whole hour inside
    const again = await windowEmbeddingSum(ragged, env.db);
    for (const result of [first, again]) {
      expect(result.count).toBe(streamed.count);
      result.sum!.forEach((v, i) => expect(v).toBeCloseTo(streamed.sum![i]!, 9));
    }
  });
});

describe("drift against a production-window baseline", () => {
  it("a stable window raises nothing; a dark one alerts on brightness, once while it stays over", async () => {
    const baseline = await buildWindowBaseline({ modelVersionId, ...windowOf(0) }, {}, env.db);
    expect(baseline.predictionCount).toBe(PER_WINDOW);
    const stable = await computeDriftReport(baseline, windowOf(1), "scheduled", env.db);
    expect(stable.evaluation.features.find((f) => f.feature === "brightness")!.metrics.psi!).toBeLessThan(0.1);
    expect(stable.evaluation.embedding!.status).toBe("stable");
    expect(stable.alertsRaised).toBe(0);
    expect(await env.db.alert.count()).toBe(0);

    const dark = await computeDriftReport(baseline, windowOf(2), "scheduled", env.db);
    const brightness = dark.evaluation.features.find((f) => f.feature === "brightness")!;
    expect(brightness.status).toBe("drift");
    expect(brightness.metrics.psi!).toBeGreaterThan(1);
    expect(dark.evaluation.features.find((f) => f.feature === "megapixels")!.status).toBe("stable"); // darkness does not resize
    const alerts = await listAlerts({ status: "open" }, env.db);
    expect(alerts.map((a) => a.feature)).toContain("brightness");
    expect(alerts.find((a) => a.feature === "brightness")).toMatchObject({ severity: "critical", metric: "psi" });
    expect(alerts.map((a) => a.feature)).not.toContain("megapixels");
    // The same drift again updates the open alerts instead of raising new ones.
    const again = await computeDriftReport(baseline, windowOf(2), "scheduled", env.db);
    expect(again.alertsRaised).toBe(0);
    expect(await env.db.alert.count()).toBe(alerts.length);
    // On-demand reports never alert.
    await env.db.alert.deleteMany();
    expect((await computeDriftReport(baseline, windowOf(2), "on_demand", env.db)).alertsRaised).toBe(0);
    expect(await env.db.alert.count()).toBe(0);
  }, 120_000);

  it("uses an ML lead's thresholds: a PSI threshold above the shift silences brightness", async () => {
    const baseline = (await activeBaseline(modelVersionId, env.db))!;
    await setThreshold({ feature: "brightness", metric: "psi", warning: 50, drift: 100 }, null, env.db);
    await setThreshold({ feature: "brightness", metric: "kl", warning: 50, drift: 100 }, null, env.db);
    const report = await computeDriftReport(baseline, windowOf(2), "on_demand", env.db);
    expect(report.evaluation.features.find((f) => f.feature === "brightness")!.status).toBe("stable");
    await env.db.driftThreshold.deleteMany();
  });

  it("a new, worse camera drifts image size, sharpness and the embedding", async () => {
    const baseline = (await activeBaseline(modelVersionId, env.db))!;
    const camera = await computeDriftReport(baseline, windowOf(3), "on_demand", env.db);
    const status = (feature: string) => camera.evaluation.features.find((f) => f.feature === feature)!.status;
    expect(status("megapixels")).toBe("drift"); // a third of the resolution
    expect(status("sharpness")).toBe("drift"); // blurred
    expect(camera.evaluation.embedding!.distance).toBeGreaterThan(camera.evaluation.embedding!.warning);
  });

  it("a window too small to judge is insufficient, never an alert", async () => {
    const baseline = (await activeBaseline(modelVersionId, env.db))!;
    const tiny = await computeDriftReport(baseline, { startMinute: windowOf(2).startMinute, endMinute: windowOf(2).startMinute + 5 }, "scheduled", env.db);
    expect(tiny.evaluation.status).toBe("insufficient");
    expect(tiny.alertsRaised).toBe(0);
  });
});

describe("triage", () => {
  it("finds the root cause, walks the alert through its states, and sends its kept images to labeling", async () => {
    const baseline = (await activeBaseline(modelVersionId, env.db))!;
    await computeDriftReport(baseline, windowOf(2), "scheduled", env.db);
    const alert = (await listAlerts({ feature: "brightness" }, env.db))[0]!;
    const cause = await rootCause(alert.id, env.db);
    expect(cause.features[0]!.feature).toBe("brightness"); // moved most
    expect(cause.window.predictionCount).toBe(PER_WINDOW);
    expect(cause.farthest.length).toBeGreaterThan(0);
    expect(cause.farthest.every((img, i, all) => i === 0 || img.distance! <= all[i - 1]!.distance!)).toBe(true);
    expect(cause.lowestConfidence.length).toBeGreaterThan(0);

    const reviewer = await createUser({ email: "rev@example.com", name: "Rev", role: "reviewer", password: "a long enough password" }, env.db);
    await triageAlert(alert.id, { action: "acknowledge" }, reviewer.id, env.db);
    await expect(triageAlert(alert.id, { action: "acknowledge" }, reviewer.id, env.db)).rejects.toThrow(/cannot acknowledge an alert that is acknowledged/);
    await triageAlert(alert.id, { action: "assign", assigneeId: reviewer.id }, reviewer.id, env.db);
    await triageAlert(alert.id, { action: "note", note: "camera 1 underexposed since 10:00" }, reviewer.id, env.db);

    const picked = cause.farthest.filter((i) => i.imageKept).slice(0, 3).map((i) => i.predictionId);
    expect(picked).toHaveLength(3);
    const labeling = await sendToLabeling(alert.id, { datasetId: env.summary.datasetId, predictionIds: [...picked, picked[0]!] }, reviewer.id, { store: env.store, db: env.db });
    expect(labeling.added).toBe(3);
    const queued = await env.db.image.findMany({ where: { datasetId: env.summary.datasetId, labelStatus: "unlabeled", fileName: { startsWith: "production/" } } });
    expect(queued).toHaveLength(3);
    // Sending the same images again adds nothing: they are already in the dataset.
    await expect(sendToLabeling(alert.id, { datasetId: env.summary.datasetId, predictionIds: picked }, reviewer.id, { store: env.store, db: env.db })).rejects.toThrow(/already in the dataset/);

    await triageAlert(alert.id, { action: "resolve" }, reviewer.id, env.db);
    const timeline = (await getAlert(alert.id, env.db)).events.map((e) => e.kind);
    expect(timeline).toEqual(["raised", "acknowledged", "assigned", "note", "sent_to_labeling", "resolved"]);
  }, 60_000);
});

describe("npm run simulate", () => {
  it("replays images through the prediction API at a steady rate, with the shift's source tag", async () => {
    const owner = await createUser({ email: "sim@example.com", name: "Sim", role: "ml_lead", password: "a long enough password" }, env.db);
    const { key } = await createApiKey({ name: "simulator", scopes: ["predict"], createdById: owner.id }, env.db);
    // The real route handler behind a real HTTP server: the CLI is a separate process.
    const http = createServer(async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const response = await predictRoute.POST(new Request(`http://127.0.0.1${req.url}`, { method: req.method, headers: req.headers as Record<string, string>, body: Buffer.concat(chunks) }), { params: Promise.resolve({}) });
      res.writeHead(response.status, Object.fromEntries(response.headers));
      res.end(Buffer.from(await response.arrayBuffer()));
    });
    await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
    const port = (http.address() as AddressInfo).port;
    try {
      const before = Date.now();
      const run = await runCli("simulate", ["--minutes", "0.05", "--rate", "4", "--shift", "camera", "--dataset", "sample", "--url", `http://127.0.0.1:${port}`, "--key", key], env.dir);
      expect(run.stderr).toBe("");
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(/done: 12\/12 predictions logged/);
      expect(Date.now() - before).toBeGreaterThan(2500); // 12 requests at 4/s: spread over ≥ 2.75 s
      expect(await env.db.prediction.count({ where: { source: "sim-cam-new-camera" } })).toBe(12);
      expect((await runCli("simulate", ["--minutes", "1", "--shift", "sideways", "--key", key], env.dir)).code).toBe(2);
      expect((await runCli("simulate", ["--minutes", "1"], env.dir, { MASKLAB_API_KEY: "" })).code).toBe(2);
    } finally {
      http.close();
    }
  }, 120_000);
});

describe("the monitor", () => {
  it("builds a split baseline for the production model and judges its rolling window", async () => {
    await env.db.baseline.updateMany({ data: { active: false } });
    const split = await buildSplitBaseline(modelVersionId, { server, store: env.store, db: env.db });
    expect(split.source).toBe("split");
    const valTest = await env.db.image.count({ where: { datasetId: env.summary.datasetId, split: { in: ["val", "test"] } } });
    expect(split.predictionCount).toBe(valTest);
    const tick = await monitorTick({ server, store: env.store, db: env.db }, { windowMinutes: WINDOW, retentionDays: 3650 }, new Date(T0 + 2 * 3_600_000 + 59 * 60_000));
    expect(tick.baselineBuilt).toBe(false);
    expect(tick.report!.evaluation.predictionCount).toBe(PER_WINDOW);
    expect(tick.report!.evaluation.features.find((f) => f.feature === "brightness")!.status).toBe("drift");
    expect(tick.report!.evaluation.embedding).not.toBeNull();
  }, 120_000);

  it("deletes predictions past retention with the kept images nothing else uses", async () => {
    const kept = await env.db.prediction.findFirstOrThrow({ where: { imageKey: { not: null }, labelingItems: { none: {} } } });
    const now = new Date(T0 + 5 * 86_400_000);
    const old = await env.db.prediction.count({ where: { createdAt: { lt: new Date(now.getTime() - 86_400_000) } } });
    const recent = (await env.db.prediction.count()) - old; // the simulator's, logged today
    const tick = await monitorTick({ server, store: env.store, db: env.db }, { windowMinutes: WINDOW, retentionDays: 1 }, now);
    expect(old).toBe(4 * PER_WINDOW);
    expect(tick.deletedPredictions).toBe(old);
    expect(await env.db.prediction.count()).toBe(recent);
    expect(await env.store.has(kept.imageKey!)).toBe(false);
    // Images sent to labeling are dataset images now and survive.
    const sent = await env.db.image.findFirstOrThrow({ where: { fileName: { startsWith: "production/" } } });
    expect(await env.store.has(sent.contentHash)).toBe(true);
  }, 60_000);
});
