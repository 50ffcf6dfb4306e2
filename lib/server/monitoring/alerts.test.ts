import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FACEMASK_CLASSES } from "@/lib/domain/classes";
import { DRIFT_METRICS } from "@/lib/domain/drift/metrics/catalogue";
import type { AlertCandidate, DriftEvaluation, FeatureDrift } from "@/lib/domain/drift/report";
import { recordOf } from "@/lib/domain/record-of";
import { registerModelVersion } from "../models/model-registry";
import { createTestEnv, type TestEnv } from "../testing/test-env";
import { raiseAlerts } from "./alerts";

/** Alert deduplication, escalation, snooze and recovery on a real database, from hand-made reports. */
let env: TestEnv;
let baselineId: string;
let reports = 0;

const feature = (name: string, psi: number, kl: number, status: FeatureDrift["status"]): FeatureDrift => ({ feature: name, total: 300, missing: 0, counts: [], metrics: { ...recordOf(DRIFT_METRICS, () => null), psi, kl }, status, decidedBy: "psi" });
const evaluation = (features: FeatureDrift[]): DriftEvaluation => ({ predictionCount: 300, status: "drift", features, embedding: null });
async function report(candidates: AlertCandidate[], features: FeatureDrift[]) {
  const id = `report-${++reports}`;
  const hour = Date.parse("2026-11-10T00:00:00Z") + reports * 3_600_000;
  return raiseAlerts(baselineId, { id, windowStart: new Date(hour), windowEnd: new Date(hour + 3_600_000) }, candidates, evaluation(features), env.db);
}

beforeAll(async () => {
  env = await createTestEnv();
  const dataset = await env.db.dataset.create({ data: { name: "d", classes: [...FACEMASK_CLASSES] } });
  const version = await registerModelVersion({ name: "m", kind: "one_stage", datasetId: dataset.id, trainingJobId: null, files: { "model.json": new Uint8Array([1]) }, classes: [...FACEMASK_CLASSES], inputSize: 96, parameterCount: 1, trainingMetrics: {} }, env.store, env.db);
  baselineId = (await env.db.baseline.create({ data: { modelVersionId: version.id, source: "split", predictionCount: 100, reference: {} } })).id;
});
afterAll(async () => env?.cleanup());

describe("raiseAlerts", () => {
  it("raises once, keeps the metric it was raised on, escalates, and notes a recovery once", async () => {
    // Raised by KL at warning.
    expect(await report([{ feature: "contrast", metric: "kl", value: 0.06, threshold: 0.05, severity: "warning" }], [feature("contrast", 0.09, 0.06, "warning")])).toBe(1);
    // Still over, now PSI decides: no new alert; the value stays KL's (0.07), comparable with its peak.
    expect(await report([{ feature: "contrast", metric: "psi", value: 0.15, threshold: 0.1, severity: "warning" }], [feature("contrast", 0.15, 0.07, "warning")])).toBe(0);
    let alert = await env.db.alert.findFirstOrThrow({ where: { feature: "contrast" } });
    expect(alert).toMatchObject({ metric: "kl", value: 0.07, peakValue: 0.07, threshold: 0.05, severity: "warning", status: "open" });
    // Drift by PSI: escalated to critical on PSI's drift threshold; the peak restarts in PSI.
    await report([{ feature: "contrast", metric: "psi", value: 0.3, threshold: 0.2, severity: "critical" }], [feature("contrast", 0.3, 0.12, "drift")]);
    alert = await env.db.alert.findFirstOrThrow({ where: { feature: "contrast" } });
    expect(alert).toMatchObject({ metric: "psi", value: 0.3, peakValue: 0.3, threshold: 0.2, severity: "critical" });
    // Back to stable twice: one "recovered" event, the alert stays for a reviewer.
    await report([], [feature("contrast", 0.01, 0.005, "stable")]);
    await report([], [feature("contrast", 0.01, 0.005, "stable")]);
    const events = await env.db.alertEvent.findMany({ where: { alertId: alert.id }, orderBy: { at: "asc" } });
    expect(events.map((e) => e.kind)).toEqual(["raised", "escalated", "recovered"]);
    expect(await env.db.alert.count()).toBe(1);
    expect((await env.db.alert.findUniqueOrThrow({ where: { id: alert.id } })).status).toBe("open");
  });

  it("reopens a snoozed alert whose snooze ended while it is still over; a resolved one gives way to a new alert", async () => {
    const alert = await env.db.alert.findFirstOrThrow({ where: { feature: "contrast" } });
    await env.db.alert.update({ where: { id: alert.id }, data: { status: "snoozed", snoozedUntil: new Date(Date.now() - 1000) } });
    await report([{ feature: "contrast", metric: "psi", value: 0.25, threshold: 0.2, severity: "critical" }], [feature("contrast", 0.25, 0.1, "drift")]);
    expect(await env.db.alert.findUniqueOrThrow({ where: { id: alert.id } })).toMatchObject({ status: "open", snoozedUntil: null });
    await env.db.alert.update({ where: { id: alert.id }, data: { status: "resolved" } });
    expect(await report([{ feature: "contrast", metric: "psi", value: 0.25, threshold: 0.2, severity: "critical" }], [feature("contrast", 0.25, 0.1, "drift")])).toBe(1);
    expect(await env.db.alert.count({ where: { feature: "contrast" } })).toBe(2);
  });
});
