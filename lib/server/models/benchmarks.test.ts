import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bestRowsPerColumn, benchmarkColumns } from "@/lib/domain/benchmark-table";
import type { EvaluationInput } from "@/lib/domain/evaluation/types";
import { FACEMASK_CLASSES } from "@/lib/domain/classes";
import { benchmarkRows, benchmarkScopes } from "./benchmarks";
import { evaluationView, sendLabelIssuesToReview } from "../evaluation/evaluation-views";
import { storeEvaluation } from "../evaluation/model-evaluation";
import { listPromotions, NothingToRollBackError, productionModel, promoteModelVersion, registerModelVersion, rollBackProduction } from "./model-registry";
import { createSampleTestEnv, type SampleTestEnv } from "../testing/test-env";
import { loadSplit } from "../training/training-data";

/**
 * The benchmark, promotion and label-issue paths on a real database and blob store. The
 * "models" here are their detections: each evaluation stores a hand-made snapshot of the
 * sample's real test labels, so every expected figure follows from what was planted.
 */
let env: SampleTestEnv;
let labels: EvaluationInput;
let perfect: { id: string; evaluationId: string };
let flawed: { id: string; evaluationId: string };

async function registerWithEvaluation(name: string, detections: EvaluationInput["detections"]) {
  const version = await registerModelVersion(
    { name, kind: "one_stage", datasetId: env.summary.datasetId, trainingJobId: null, files: { "model.json": new TextEncoder().encode("{}") }, classes: [...FACEMASK_CLASSES], inputSize: 128, parameterCount: 1000, trainingMetrics: { trainingSeconds: 90 } },
    env.store,
    env.db,
  );
  const evaluation = await storeEvaluation({ modelVersionId: version.id, datasetId: env.summary.datasetId, split: "test", snapshot: { ...labels, detections }, postprocess: { multiLabel: true } }, { store: env.store, db: env.db });
  return { id: version.id, evaluationId: evaluation.id };
}

beforeAll(async () => {
  env = await createSampleTestEnv({ count: 30, seed: 9 });
  const test = await loadSplit(env.summary.datasetId, "test", FACEMASK_CLASSES, env.db);
  expect(test.length).toBeGreaterThan(1);
  labels = {
    classes: [...FACEMASK_CLASSES],
    images: test.map((i) => ({ imageId: i.imageId, fileName: i.fileName, width: i.width, height: i.height, boxes: i.boxes.map((b) => ({ className: FACEMASK_CLASSES[b.classIndex]!, box: b.box })) })),
    detections: [],
  };
  const exact = labels.images.flatMap((i) => i.boxes.map((b) => ({ imageId: i.imageId, className: b.className, box: b.box, score: 0.9 })));
  perfect = await registerWithEvaluation("perfect", exact);
  // The flawed model finds everything too, plus a confident face in the first image's corner
  // where no label is (an overlooked object, or a false positive: the finder cannot tell).
  const first = labels.images.find((i) => i.boxes.every((b) => b.box.xmin > 12 || b.box.ymin > 12))!;
  flawed = await registerWithEvaluation("flawed", [...exact, { imageId: first.imageId, className: "without_mask", box: { xmin: 0, ymin: 0, xmax: 10, ymax: 10 }, score: 0.95 }]);
  await env.db.latencyBenchmark.create({ data: { modelVersionId: perfect.id, backend: "wasm", runtime: "node", machine: "test", batchSize: 1, p50Ms: 100, p95Ms: 120, meanMs: 105, throughputIps: 9, coldLoadMs: 400 } });
  await env.db.latencyBenchmark.create({ data: { modelVersionId: perfect.id, backend: "wasm", runtime: "node", machine: "test", batchSize: 4, p50Ms: 80, p95Ms: 90, meanMs: 82, throughputIps: 12 } });
}, 60_000);
afterAll(async () => env.cleanup());

describe("the benchmark table", () => {
  it("has one row per model and split with the stored figures, latency per backend, and the best per column", async () => {
    const rows = await benchmarkRows({}, env.db);
    expect(rows.map((r) => r.model)).toEqual(["flawed v1", "perfect v1"]);
    const [bad, good] = rows;
    expect(good).toMatchObject({ mAP50: 1, images: labels.images.length, trainingSeconds: 90, inputSize: 128, atThreshold: { precision: 1, recall: 1, f1: 1 } });
    expect(good!.latency).toEqual([{ backend: "wasm (node)", p50Ms: 100, p95Ms: 120, throughputIps: 12, throughputBatch: 4, machine: "test" }]);
    expect(bad!.atThreshold.precision).toBeLessThan(1);
    expect(bad!.latency).toEqual([]);
    const best = bestRowsPerColumn(rows, benchmarkColumns(rows));
    expect([...best.get("precision")!]).toEqual([perfect.evaluationId]);
    expect(best.has("recall")).toBe(false); // both find every label: a tie
  });

  it("gives a version trained by a job that job's wall time, as the job page shows it", async () => {
    const job = await env.db.trainingJob.create({
      data: { datasetId: env.summary.datasetId, kind: "one_stage", config: { minutes: 5 }, status: "succeeded", startedAt: new Date("2026-12-05T10:00:00Z"), finishedAt: new Date("2026-12-05T10:05:30Z") },
    });
    await env.db.modelVersion.update({ where: { id: flawed.id }, data: { trainingJobId: job.id } });
    const rows = await benchmarkRows({}, env.db);
    // 5 min 30 s of wall time, where the trainer recorded 90 s of epochs
    expect(rows.find((r) => r.model === "flawed v1")!.trainingSeconds).toBe(330);
    expect(rows.find((r) => r.model === "perfect v1")!.trainingSeconds).toBe(90);
    await env.db.modelVersion.update({ where: { id: flawed.id }, data: { trainingJobId: null } });
    await env.db.trainingJob.delete({ where: { id: job.id } });
  });

  it("filters by dataset and split", async () => {
    expect(await benchmarkRows({ datasetId: env.summary.datasetId, split: "test" }, env.db)).toHaveLength(2);
    expect(await benchmarkRows({ split: "val" }, env.db)).toEqual([]);
    expect(await benchmarkScopes(env.db)).toEqual([{ datasetId: env.summary.datasetId, dataset: "sample", split: "test" }]);
  });

  it("serves an evaluation with what it scored", async () => {
    const view = await evaluationView(flawed.evaluationId, { store: env.store, db: env.db });
    expect(view).toMatchObject({ model: { name: "flawed", version: 1 }, split: "test", operatingConfidence: 0.25 });
    expect(view.snapshot!.images).toEqual(labels.images);
    expect(view.snapshot!.detections).toHaveLength(labels.images.flatMap((i) => i.boxes).length + 1);
  });
});

describe("the label-issue finder's review queue", () => {
  it("comments on a flagged image with the reasons, puts a reviewed one back in the to-review queue as a revision, and skips the rest", async () => {
    const flaggedId = (await evaluationView(flawed.evaluationId, { store: env.store, db: env.db })).snapshot!.detections.at(-1)!.imageId;
    const other = labels.images.find((i) => i.imageId !== flaggedId)!.imageId;
    const before = await env.db.image.update({ where: { id: flaggedId }, data: { labelStatus: "reviewed" } });
    const result = await sendLabelIssuesToReview(flawed.evaluationId, { imageIds: [flaggedId, other, flaggedId] }, { store: env.store, db: env.db });
    expect(result).toEqual({ sent: [flaggedId], skipped: [{ imageId: other, reason: "not flagged by this evaluation" }] });
    const comments = await env.db.reviewComment.findMany({ where: { imageId: flaggedId } });
    expect(comments).toHaveLength(1);
    expect(comments[0]!.body).toMatch(/^Label-issue finder \(flawed v1, test split\): .*without_mask.*0\.95.* at \(0, 0\)–\(10, 10\)$/);
    const after = await env.db.image.findUniqueOrThrow({ where: { id: flaggedId } });
    expect(after).toMatchObject({ labelStatus: "labeled", annotationVersion: before.annotationVersion + 1, boxCount: before.boxCount });
    const revision = await env.db.labelRevision.findFirstOrThrow({ where: { imageId: flaggedId }, orderBy: { version: "desc" } });
    expect(revision).toMatchObject({ action: "review", note: "Label-issue finder (flawed v1, test split): sent back for review" });
    expect(await env.db.reviewComment.count({ where: { imageId: other } })).toBe(0);
  });
});

describe("promotion", () => {
  it("keeps one model in production, records who and what it replaced, and rolls back", async () => {
    const admin = await env.db.user.create({ data: { email: "lead@example.test", name: "Lead", role: "ml_lead" } });
    await expect(rollBackProduction({ db: env.db })).rejects.toThrow(NothingToRollBackError);
    await promoteModelVersion(perfect.id, { actorId: admin.id, db: env.db });
    await expect(rollBackProduction({ db: env.db })).rejects.toThrow(/replaced no earlier version/);
    await promoteModelVersion(flawed.id, { actorId: admin.id, db: env.db });
    expect(await env.db.modelVersion.count({ where: { stage: "production" } })).toBe(1);
    expect((await productionModel(env.db))!.id).toBe(flawed.id);

    const { promoted } = await rollBackProduction({ actorId: admin.id, db: env.db });
    expect(promoted.id).toBe(perfect.id);
    expect((await productionModel(env.db))!.id).toBe(perfect.id);
    expect((await env.db.modelVersion.findUniqueOrThrow({ where: { id: flawed.id } })).stage).toBe("candidate");
    const history = await listPromotions({}, env.db);
    expect(history.map((p) => [p.action, p.modelVersion.name, p.previousVersion?.name ?? null, p.actor?.name])).toEqual([
      ["rollback", "perfect", "flawed", "Lead"],
      ["promote", "flawed", "perfect", "Lead"],
      ["promote", "perfect", null, "Lead"],
    ]);
    // Rolling back again returns to the version the rollback replaced.
    expect((await rollBackProduction({ db: env.db })).promoted.id).toBe(flawed.id);
  });
});

describe("a model version never evaluated", () => {
  it("is a row without figures in the unfiltered table, never best, and absent when a split is chosen", async () => {
    const fresh = await registerModelVersion(
      { name: "fresh", kind: "two_stage", datasetId: env.summary.datasetId, trainingJobId: null, files: { "model.json": new TextEncoder().encode("{}") }, classes: [...FACEMASK_CLASSES], inputSize: 128, parameterCount: 10, trainingMetrics: {} },
      env.store,
      env.db,
    );
    const rows = await benchmarkRows({}, env.db);
    const row = rows.find((r) => r.modelVersionId === fresh.id)!;
    expect(row).toMatchObject({ key: fresh.id, evaluationId: null, split: "not evaluated", mAP50: -1, bestF1: null });
    const best = bestRowsPerColumn(rows, benchmarkColumns(rows));
    // No figure, so never the best figure.
    for (const key of ["mAP50", "mAP50to95", "precision", "recall", "f1", "bestF1", "accuracy"]) expect(best.get(key)?.has(fresh.id) ?? false).toBe(false);
    expect((await benchmarkRows({ split: "test" }, env.db)).some((r) => r.modelVersionId === fresh.id)).toBe(false);
  });
});
