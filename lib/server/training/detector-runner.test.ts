import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { evaluationMetricsColumn, evaluationPerClassColumn } from "@/lib/contracts/stored/evaluation";
import { modelTrainingMetricsColumn } from "@/lib/contracts/stored/models";
import { parseStored } from "@/lib/contracts/stored/parse";
import { epochMetricsSchema, phaseFiguresSchema } from "@/lib/contracts/stored/training";
import { loadDetector } from "@/lib/detection/families";
import { useNodeBackend } from "@/lib/detection/tf/node-backend";
import { claimNextJob, enqueueJob, getJob, listJobLogs } from "./job-queue";
import { runClaimedJob } from "./job-runner";
import { evaluateDetections } from "@/lib/domain/evaluation/report";
import { OPERATING_CONFIDENCE, readEvaluationSnapshot } from "../evaluation/model-evaluation";
import { readModelFiles } from "../models/model-registry";
import { benchmarkRows, listLabelAudits } from "../models/benchmarks";
import { evaluationView } from "../evaluation/evaluation-views";
import { resolveTrainingConfig } from "./training-config";
import { createSampleTestEnv, type SampleTestEnv } from "../testing/test-env";
import { AFTER_TRAINING_SHARE, affordableDetectionSizes, detectorRunner, judgeMasks, secondsAfterTraining, sizeCriterionOf, sizingSeconds } from "./detector-runner";
import { JUDGE_RECIPE, JUDGE_VAL_TOLERANCE } from "./judge-training";
import { pickDetectionSize } from "./detection-size";
import { decodeImageRgb } from "../images/decode";
import { loadSplit } from "./training-data";

/** Every number in a JSON value rounded to 12 significant digits. */
const significant = (value: unknown): unknown => JSON.parse(JSON.stringify(value), (_key, v) => (typeof v === "number" ? Number(v.toPrecision(12)) : v));

let env: SampleTestEnv;
beforeAll(async () => {
  await useNodeBackend("wasm");
  env = await createSampleTestEnv({ count: 40, seed: 5 });
});
afterAll(async () => env.cleanup());

describe.each([
  { kind: "one_stage", architecture: "mld1s", name: "mld1s-n", judged: true },
  { kind: "two_stage", architecture: "mld2s", name: "mld2s-n", judged: false },
] as const)("the $kind training job", ({ kind, architecture, name, judged }) => {
  it("trains on the sample's train split, selects on val, and registers a model that loads and detects", async () => {
    const job = await enqueueJob({ datasetId: env.summary.datasetId, kind, config: { preset: "quick-cpu", inputSize: 128, epochs: 2, batchSize: 8, cachedAugmentations: 1, maskJudge: judged } }, { db: env.db });
    const workerId = `test-worker-${kind}`;
    await env.db.worker.create({ data: { id: workerId, kind: "training", hostname: "test", pid: 1, status: "idle" } });
    const claimed = (await claimNextJob(workerId, { kinds: [kind], leaseMs: 60_000, db: env.db }))!;
    expect(claimed.id).toBe(job.id);
    const outcome = await runClaimedJob(claimed, detectorRunner(kind), { workerId, leaseMs: 60_000, heartbeatMs: 1000, db: env.db, store: env.store });
    const logs = await listJobLogs(job.id, { db: env.db });
    expect(outcome, logs.map((l) => l.message).join("\n")).toBe("succeeded");

    expect(logs.map((l) => l.message)).toContainEqual(expect.stringMatching(/cached backbone features of \d+ training inputs \(3 per image\)/));
    const epochs = logs.filter((l) => l.level === "metric").map((l) => epochMetricsSchema.parse(l.metrics));
    expect(epochs.map((e) => e.epoch)).toEqual([1, 2]);
    expect(epochs.every((e) => Number.isFinite(e.loss) && e.valMAP50 >= 0 && e.valMAP50 <= 1 && e.imagesPerSecond > 0)).toBe(true);
    expect((await env.db.trainingJob.findUniqueOrThrow({ where: { id: job.id } })).checkpointEpoch).toBe(2);
    // Every phase logs its start and its end, in the order the job runs them: the job page's phase and ETA.
    const phaseLines = logs.flatMap((l) => {
      const figures = phaseFiguresSchema.safeParse(l.metrics);
      return figures.success && figures.data.step !== "progress" ? [`${figures.data.phase} ${figures.data.step}`] : [];
    });
    expect(phaseLines).toEqual(["preparing", "caching", "training", "sizing", ...(judged ? ["judging"] : []), "saving", "evaluating", "benchmarking"].flatMap((phase) => [`${phase} start`, `${phase} end`]));

    const version = await env.db.modelVersion.findUniqueOrThrow({ where: { trainingJobId: job.id } });
    expect(version).toMatchObject({ kind, name: `sample-${name}`, version: 1, stage: "candidate" });
    const metrics = parseStored(modelTrainingMetricsColumn, version.trainingMetrics, version.id)!;
    expect(metrics.selectedBy).toBe("val mAP50");
    // Trained at 128 px, measured on val at 128, 192 and 256 px, and registered at the size chosen there:
    // with a mask judge on finding faces (faces-only AP50), unless the judge is left out, when the
    // detector's own classes are kept at the size they do best at.
    expect(metrics.config!.inputSize).toBe(128);
    const sizing = metrics.detectionSize!;
    expect(sizing.valBySize.map((v) => v.size)).toEqual([128, 192, 256]);
    expect(sizing.chosenBy).toBe(judged ? "facesAP50" : "mAP50");
    expect(sizing.valBySize.every((v) => (v.facesAP50 !== undefined) === judged)).toBe(true);
    const ownClassesSize = pickDetectionSize(sizing.valBySize, "mAP50");
    const findingSize = judged ? pickDetectionSize(sizing.valBySize, "facesAP50") : ownClassesSize;
    expect(sizing.size).toBe(judged && metrics.judge!.kept ? findingSize : ownClassesSize);
    expect(version.inputSize).toBe(sizing.size);
    const choice = judged ? `, chosen on finding faces for the mask judge${ownClassesSize !== findingSize ? `; ${ownClassesSize} px if the judge is left out` : ""}` : "";
    const figures = sizing.valBySize.map((v) => `${v.size} px ${v.mAP50.toFixed(3)}${judged ? ` (faces ${v.facesAP50!.toFixed(3)})` : ""}`).join(", ");
    expect(logs.map((l) => l.message)).toContain(`detects at ${findingSize} px (trained at 128${choice}); val mAP50 ${figures}`);
    // The judge is weighed against the detector's own classes where they do best.
    if (judged) expect(metrics.judge!.valWithout.mAP50).toBe(sizing.valBySize.find((v) => v.size === ownClassesSize)!.mAP50);
    // The mask judge (one-stage here; it is the same code for every family, and the two-stage job
    // is slow enough without it) trained on every face of the train split (plain, mirrored,
    // jittered), and was kept unless val mAP50 fell by more than the tolerance.
    const trainImages = await loadSplit(env.summary.datasetId, "train", undefined, env.db);
    if (!judged) expect(metrics.judge).toBeUndefined();
    else {
      // and on the detector's own finds there (plain and mirrored): on a labelled face its class, elsewhere not a face
      expect(metrics.judge!.faces).toBe(3 * trainImages.reduce((n, image) => n + image.boxes.length, 0) + 2 * metrics.judge!.finds!);
      expect(metrics.judge!.falseFinds).toBeLessThanOrEqual(metrics.judge!.finds!);
      expect(metrics.judge!.finds).toBeGreaterThan(0);
      expect(metrics.judge!.kept).toBe(metrics.judge!.valWith.mAP50 >= metrics.judge!.valWithout.mAP50 - JUDGE_VAL_TOLERANCE);
      // Its two val figures name their sizes when they were measured at different ones.
      const sizes = ownClassesSize === findingSize ? ["", ""] : [` at ${ownClassesSize} px`, ` at ${findingSize} px`];
      const figures = `val mAP50 ${metrics.judge!.valWithout.mAP50.toFixed(3)} with the detector's classes${sizes[0]}, ${metrics.judge!.valWith.mAP50.toFixed(3)} with the judge's${sizes[1]}`;
      const judgeLine = logs.map((l) => l.message).find((m) => m.includes(`mask judge trained on ${metrics.judge!.faces} face crops`));
      expect(judgeLine).toMatch(/ \((kept|left out: it lowered val mAP50 by more than 0\.02)\)$/);
      expect(judgeLine).toContain(figures);
    }
    // The benchmark table says whether the version judges masks.
    const benchmarked = (await benchmarkRows({}, env.db)).filter((r) => r.modelVersionId === version.id);
    expect(benchmarked.length).toBeGreaterThan(0);
    for (const r of benchmarked) expect(r.maskJudge).toBe(judged ? (metrics.judge!.kept ? "on" : "left out") : null);
    expect(metrics.gitCommit).toMatch(/^[0-9a-f]{40}(\+changes)?$/); // tests run in a git checkout
    const valImages = await loadSplit(env.summary.datasetId, "val", undefined, env.db);
    expect(metrics.valImages).toBe(valImages.length);

    // Scored on the test split after training, and stored.
    const testImages = await loadSplit(env.summary.datasetId, "test", undefined, env.db);
    const evaluation = await env.db.evaluation.findFirstOrThrow({ where: { modelVersionId: version.id } });
    expect(evaluation).toMatchObject({ split: "test", imageCount: testImages.length });
    const stored = parseStored(evaluationMetricsColumn, evaluation.metrics, evaluation.id);
    expect(stored).toMatchObject({ images: testImages.length, postprocess: { multiLabel: true, scoreThreshold: 0.001 } });
    expect(parseStored(evaluationPerClassColumn, evaluation.perClass, evaluation.id).map((c) => c.className)).toEqual(["with_mask", "without_mask", "mask_weared_incorrect"]);
    expect(logs.map((l) => l.message)).toContain(`test split (${testImages.length} images): mAP50 ${stored.AP50.toFixed(3)}, mAP50-95 ${stored.AP.toFixed(3)}`);
    // What was scored is kept: recomputing from it gives the stored report exactly (the
    // benchmark page's slider, error browser and label-issue finder read this snapshot).
    const snapshot = (await readEvaluationSnapshot(evaluation, env.store))!;
    expect(snapshot.images.map((i) => i.imageId)).toEqual(testImages.map((i) => i.imageId));
    expect(snapshot.detections.length).toBe(stored.detections);
    // (to 12 significant digits: SQLite keeps 16 in JSON columns, a double needs up to 17)
    const { perClass: recomputedPerClass, ...recomputed } = JSON.parse(JSON.stringify(evaluateDetections(snapshot, { confidence: OPERATING_CONFIDENCE })));
    expect(significant({ ...recomputed, postprocess: stored.postprocess })).toEqual(significant(evaluation.metrics));
    expect(significant(recomputedPerClass)).toEqual(significant(evaluation.perClass));

    // The registered artifact loads on its own and runs on an image.
    const files = await readModelFiles(version.artifactKey, env.store);
    const detector = await loadDetector(files);
    expect(detector.metadata).toMatchObject({ architecture, classes: ["with_mask", "without_mask", "mask_weared_incorrect"], inputSize: version.inputSize });
    expect("judge" in detector.metadata && detector.metadata.judge !== undefined).toBe(metrics.judge?.kept ?? false);
    // A kept judge judges each face once, at its own overlap.
    if (metrics.judge?.kept && "judge" in detector.metadata) expect(detector.metadata.judge!.faceIou).toBe(JUDGE_RECIPE.faceIou);
    // (a 2-epoch model's faces are faint: with a judge, those under its face floor of 0.05 are not judged, so some photos give none)
    const perImage = await detector.detect(await Promise.all(valImages.map(async (image) => decodeImageRgb(await env.store.get(image.contentHash)))), { scoreThreshold: 0.001 });
    detector.dispose();
    expect(perImage.flat().length).toBeGreaterThan(0);
    perImage.forEach((detections, n) => {
      for (const d of detections) {
        expect(d.box.xmin).toBeGreaterThanOrEqual(0);
        expect(d.box.xmax).toBeLessThanOrEqual(valImages[n]!.width);
      }
    });
  }, 240_000);
});

describe("training the whole network on images", () => {
  it("augments every sample afresh, mosaics included, unfreezes the backbone on schedule, and registers the full detector", async () => {
    const job = await enqueueJob({ datasetId: env.summary.datasetId, kind: "one_stage", config: { preset: "full-gpu", width: "n", inputSize: 128, epochs: 2, frozenEpochs: 1, batchSize: 4, mosaic: 1, maskJudge: false } }, { db: env.db });
    await env.db.worker.create({ data: { id: "images-worker", kind: "training", hostname: "test", pid: 1, status: "idle" } });
    const claimed = (await claimNextJob("images-worker", { kinds: ["one_stage"], leaseMs: 60_000, db: env.db }))!;
    const outcome = await runClaimedJob(claimed, detectorRunner("one_stage"), { workerId: "images-worker", leaseMs: 60_000, heartbeatMs: 1000, db: env.db, store: env.store });
    const logs = await listJobLogs(job.id, { db: env.db });
    expect(outcome, logs.map((l) => l.message).join("\n")).toBe("succeeded");
    expect(logs.map((l) => l.message).join("\n")).not.toMatch(/cached backbone features/);
    expect(logs.map((l) => l.message)).toContain("epoch 2: the backbone is unfrozen after 1 epochs; fine-tuning the whole network");
    const [epoch] = logs.filter((l) => l.level === "metric").map((l) => epochMetricsSchema.parse(l.metrics));
    expect(Number.isFinite(epoch!.loss)).toBe(true);
    expect(epoch!.lossParts.positives).toBeGreaterThan(0); // mosaics still carry faces the assigner finds
    const version = await env.db.modelVersion.findUniqueOrThrow({ where: { trainingJobId: job.id } });
    expect(parseStored(modelTrainingMetricsColumn, version.trainingMetrics, version.id)?.config).toMatchObject({ freezeBackbone: false, mosaic: 1 });
  }, 180_000);
});

describe("a time budget", () => {
  it("counts from the job's start and plans the epochs that fit, keeping time for what follows training", async () => {
    // 0.02 min is over once the features are cached: one epoch is all that fits, and the job says so.
    const job = await enqueueJob({ datasetId: env.summary.datasetId, kind: "one_stage", config: { preset: "quick-cpu", inputSize: 128, epochs: 6, batchSize: 8, minutes: 0.02, maskJudge: false } }, { db: env.db });
    await env.db.worker.create({ data: { id: "budget-worker", kind: "training", hostname: "test", pid: 1, status: "idle" } });
    const claimed = (await claimNextJob("budget-worker", { kinds: ["one_stage"], leaseMs: 60_000, db: env.db }))!;
    const outcome = await runClaimedJob(claimed, detectorRunner("one_stage"), { workerId: "budget-worker", leaseMs: 60_000, heartbeatMs: 1000, db: env.db, store: env.store });
    const logs = await listJobLogs(job.id, { db: env.db });
    expect(outcome, logs.map((l) => l.message).join("\n")).toBe("succeeded");
    expect(logs.filter((l) => l.level === "metric").map((l) => epochMetricsSchema.parse(l.metrics).epoch)).toEqual([1]);
    expect(logs.map((l) => l.message)).toContainEqual(expect.stringMatching(/^time budget of 0\.02 min: 1 epochs fit \(\d+ s each, \d+ s kept for what follows training\)$/));
    expect(logs.map((l) => l.message).join("\n")).not.toMatch(/mask judge/);
    // Past its budget, the job leaves the latency benchmark for later rather than overrun further.
    expect(logs.find((l) => l.message.startsWith("latency not benchmarked"))).toMatchObject({ level: "warn", message: "latency not benchmarked: the job's 0.02 minutes are spent; run a benchmark from the Models page" });
    const version = await env.db.modelVersion.findUniqueOrThrow({ where: { trainingJobId: job.id } });
    expect(parseStored(modelTrainingMetricsColumn, version.trainingMetrics, version.id)?.judge).toBeUndefined();
  }, 180_000);
});

describe("the time kept after training", () => {
  it("plans the size choice at every candidate size and what follows at the largest, so larger sizes and the judge keep more", () => {
    const image = { imageId: "a", fileName: "a.jpg", contentHash: "0".repeat(64), width: 640, height: 480, annotationVersion: 1, boxes: [{ box: { xmin: 1, ymin: 1, xmax: 20, ymax: 20 }, classIndex: 0, difficult: false }] };
    const train = Array.from({ length: 300 }, () => image);
    const val = train.slice(0, 60);
    const seconds = (settings: object) => secondsAfterTraining("one_stage", resolveTrainingConfig({ preset: "quick-cpu", ...settings }, "one_stage"), train, val);
    expect(seconds({})).toBeGreaterThan(seconds({ largerDetectionSizes: false }));
    expect(seconds({ largerDetectionSizes: false })).toBeGreaterThan(seconds({ largerDetectionSizes: false, maskJudge: false }));
    // At 416 px alone and without the judge: one val pass to measure it, one over the held-out images, and the latency benchmark's 36 passes.
    expect(seconds({ largerDetectionSizes: false, maskJudge: false })).toBeCloseTo((60 + 60 + 36) * 1.1e-6 * 416 * 416, 6);
    // The two-stage detector's second stage reads every proposal: its passes cost more, so it keeps more.
    const config = resolveTrainingConfig({ preset: "quick-cpu" }, "one_stage");
    expect(secondsAfterTraining("two_stage", config, train, val)).toBeGreaterThan(secondsAfterTraining("one_stage", config, train, val) + 60);
    // The judge reads the training photos, and val and the held-out images are detected, on every thread at once: their share shrinks as 1 / threads.
    const atThreads = (threads: number) => secondsAfterTraining("one_stage", resolveTrainingConfig({ preset: "quick-cpu" }, "one_stage"), train, val, { threads });
    expect(atThreads(1)).toBeCloseTo(seconds({}), 9);
    expect(atThreads(1) - atThreads(2)).toBeGreaterThan(60);
    expect(atThreads(1) - atThreads(2)).toBeCloseTo(2 * (atThreads(2) - atThreads(4)), 6);
    // The latency benchmark times one image at a time, on one thread, whatever the count.
    const alone = resolveTrainingConfig({ preset: "quick-cpu", maskJudge: false, largerDetectionSizes: false }, "one_stage");
    expect(secondsAfterTraining("one_stage", alone, train, val, { threads: 4 })).toBeCloseTo(((60 + 60) / 4 + 36) * 1.1e-6 * 416 * 416, 6);
    // With a judge and sizes to choose from, the size is chosen on finding faces, from the same val pass at each size.
    const judged = resolveTrainingConfig({ preset: "quick-cpu" }, "one_stage");
    expect(sizeCriterionOf(judged, [416, 640, 832])).toBe("facesAP50");
    expect(sizeCriterionOf(judged, [416])).toBe("mAP50");
    expect(sizeCriterionOf({ maskJudge: false }, [416, 640, 832])).toBe("mAP50");
    const sizingPasses = 60 * (416 ** 2 + 640 ** 2 + 832 ** 2) * 1.1e-6;
    expect(sizingSeconds("one_stage", 60, [416, 640, 832])).toBeCloseTo(sizingPasses, 6);
    expect(sizingSeconds("one_stage", 60, [416, 640, 832], 2)).toBeCloseTo(sizingPasses / 2, 6);
    expect(sizingSeconds("one_stage", 60, [416])).toBeCloseTo(60 * 416 ** 2 * 1.1e-6, 6);
    // Everything after training, the latency benchmark included, runs at the detection size: its cost grows with the size's square.
    expect(seconds({ largerDetectionSizes: false, maskJudge: false, inputSize: 832 }) / seconds({ largerDetectionSizes: false, maskJudge: false })).toBeCloseTo(4, 6);
  });

  it("leaves out the larger detection sizes a budget cannot afford, largest first, keeping the training size", () => {
    const image = { imageId: "a", fileName: "a.jpg", contentHash: "0".repeat(64), width: 640, height: 480, annotationVersion: 1, boxes: [{ box: { xmin: 1, ymin: 1, xmax: 20, ymax: 20 }, classIndex: 0, difficult: false }] };
    const train = Array.from({ length: 300 }, () => image);
    const val = train.slice(0, 60);
    const config = (minutes?: number) => resolveTrainingConfig({ preset: "quick-cpu", ...(minutes && { minutes }) }, "one_stage");
    expect(affordableDetectionSizes("one_stage", config(), train, val).sizes).toEqual([416, 640, 832]);
    expect(affordableDetectionSizes("two_stage", config(), train, val).sizes).toEqual([416, 640, 832]);
    expect(affordableDetectionSizes("one_stage", config(30), train, val).sizes).toEqual([416, 640, 832]);
    // The two-stage detector's passes at 832 px would take more than half of 30 minutes; at 640 they fit.
    expect(secondsAfterTraining("two_stage", config(30), train, val, { sizes: [416, 640, 832] })).toBeGreaterThan(AFTER_TRAINING_SHARE * 30 * 60);
    expect(affordableDetectionSizes("two_stage", config(30), train, val)).toEqual({ sizes: [416, 640], leftOut: [832] });
    expect(secondsAfterTraining("two_stage", config(30), train, val, { sizes: [416, 640] })).toBeLessThanOrEqual(AFTER_TRAINING_SHARE * 30 * 60);
    // The judge reading on two threads halves its share: then 832 px fits too.
    expect(affordableDetectionSizes("two_stage", config(30), train, val, 2)).toEqual({ sizes: [416, 640, 832], leftOut: [] });
    // Too short a budget for any larger size: the training size stays, whatever it costs.
    expect(affordableDetectionSizes("two_stage", config(5), train, val)).toEqual({ sizes: [416], leftOut: [640, 832] });
  });
});

describe("a mask judge with no faces to learn from", () => {
  it("is skipped with a warning before it touches the model, and the detector keeps its own classes", async () => {
    const logs: string[] = [];
    const context = {
      log: async (level: string, message: string) => void logs.push(`${level}: ${message}`),
      signal: new AbortController().signal,
      startPhase: async () => {
        throw new Error("a skipped judge starts no phase");
      },
    };
    const background = { imageId: "bg", fileName: "bg.jpg", contentHash: "0".repeat(64), width: 32, height: 32, annotationVersion: 1, boxes: [] };
    const config = resolveTrainingConfig({ preset: "quick-cpu", maskJudge: true }, "one_stage");
    // The model is never read on this path: a judge without faces stops before cropping anything.
    const untouched = new Proxy({}, { get: () => { throw new Error("the model was read"); } });
    const outcome = await judgeMasks("one_stage", context, env.store, { full: untouched as never, metadata: untouched as never }, { config, classes: ["with_mask", "without_mask", "mask_weared_incorrect"], train: [background], val: [background] });
    expect(outcome).toBeNull();
    expect(logs).toEqual(["warn: mask judge skipped: the train split has no labelled faces"]);
  });
});

describe("a label audit by cross-validation", () => {
  it("predicts every labelled image with the fold model that did not train on it, stores the out-of-fold evaluation, and registers no model", async () => {
    expect(() => resolveTrainingConfig({ crossValidationFolds: 1 }, "one_stage")).toThrow();
    const job = await enqueueJob({ datasetId: env.summary.datasetId, kind: "one_stage", config: { preset: "quick-cpu", inputSize: 128, epochs: 1, batchSize: 8, crossValidationFolds: 2 } }, { db: env.db });
    const workerId = "test-worker-cv";
    await env.db.worker.create({ data: { id: workerId, kind: "training", hostname: "test", pid: 1, status: "idle" } });
    const claimed = (await claimNextJob(workerId, { kinds: ["one_stage"], leaseMs: 60_000, db: env.db }))!;
    expect(claimed.id).toBe(job.id);
    const outcome = await runClaimedJob(claimed, detectorRunner("one_stage"), { workerId, leaseMs: 60_000, heartbeatMs: 1000, db: env.db, store: env.store });
    const messages = (await listJobLogs(job.id, { db: env.db })).map((l) => l.message);
    expect(outcome, messages.join("\n")).toBe("succeeded");

    const labelled = (await Promise.all((["train", "val", "test"] as const).map((split) => loadSplit(env.summary.datasetId, split, undefined, env.db)))).flat();
    // Each fold trains on the other fold (its val-split images pick the epoch) and predicts its own.
    const folds = messages.flatMap((m) => {
      const found = /^fold (\d)\/2: training on (\d+) images \((\d+) pick the epoch\), predicting (\d+) held-out images$/.exec(m);
      return found ? [{ fold: Number(found[1]), train: Number(found[2]), val: Number(found[3]), heldOut: Number(found[4]) }] : [];
    });
    expect(folds.map((f) => f.fold)).toEqual([1, 2]);
    expect(folds[0]!.train + folds[0]!.val).toBe(folds[1]!.heldOut);
    expect(folds[1]!.train + folds[1]!.val).toBe(folds[0]!.heldOut);
    expect(folds[0]!.heldOut + folds[1]!.heldOut).toBe(labelled.length);
    expect(Math.abs(folds[0]!.heldOut - folds[1]!.heldOut)).toBeLessThanOrEqual(1);

    expect(await env.db.modelVersion.count({ where: { trainingJobId: job.id } })).toBe(0);
    const audit = await env.db.evaluation.findFirstOrThrow({ where: { trainingJobId: job.id } });
    expect(audit).toMatchObject({ modelVersionId: null, split: "cv2", imageCount: labelled.length });
    const snapshot = (await readEvaluationSnapshot(audit, env.store))!;
    expect(new Set(snapshot.images.map((i) => i.imageId))).toEqual(new Set(labelled.map((i) => i.imageId)));
    expect(snapshot.detections.length).toBeGreaterThan(0);
    expect(messages).toContainEqual(expect.stringMatching(/^label audit stored: out-of-fold mAP50 [\d.]+, mAP50-95 [\d.]+ over \d+ images; \d+ images with suspected label issues/));
    const view = await evaluationView(audit.id, { store: env.store, db: env.db });
    expect(view).toMatchObject({ model: null, source: "2-fold cross-validation (one_stage)", jobId: job.id });
    expect((await benchmarkRows({}, env.db)).some((r) => r.evaluationId === audit.id)).toBe(false);
    expect((await listLabelAudits(env.db)).map((a) => a.id)).toContain(audit.id);
  }, 300_000);
});

describe("stopping and resuming a training job", () => {
  const config = { preset: "quick-cpu", inputSize: 128, epochs: 4, batchSize: 8, seed: 7 } as const;
  const epochLosses = async (jobId: string) =>
    (await listJobLogs(jobId, { db: env.db })).filter((l) => l.level === "metric").map((l) => epochMetricsSchema.parse(l.metrics));

  it("a job stopped after a checkpoint resumes exactly: every later epoch matches an uninterrupted run with the same seed", async () => {
    await env.db.worker.create({ data: { id: "resume-worker", kind: "training", hostname: "test", pid: 1, status: "idle" } });
    const run = async (signal?: AbortSignal) => {
      const claimed = (await claimNextJob("resume-worker", { kinds: ["one_stage"], leaseMs: 60_000, db: env.db }))!;
      return runClaimedJob(claimed, detectorRunner("one_stage"), { workerId: "resume-worker", leaseMs: 60_000, heartbeatMs: 1000, signal, db: env.db, store: env.store });
    };
    const straight = await enqueueJob({ datasetId: env.summary.datasetId, kind: "one_stage", config }, { db: env.db });
    expect(await run()).toBe("succeeded");
    const reference = await epochLosses(straight.id);
    expect(reference.map((e) => e.epoch)).toEqual([1, 2, 3, 4]);

    // The same job again, its worker shut down once the first checkpoint is written.
    const stopped = await enqueueJob({ datasetId: env.summary.datasetId, kind: "one_stage", config }, { db: env.db });
    const shutdown = new AbortController();
    const watch = setInterval(() => void getJob(stopped.id, env.db).then((job) => (job.checkpointEpoch ?? 0) >= 1 && shutdown.abort()), 20);
    const first = await run(shutdown.signal).finally(() => clearInterval(watch));
    expect(first).toBe("requeued");
    const resumedAfter = (await getJob(stopped.id, env.db)).checkpointEpoch!;
    expect(resumedAfter).toBeGreaterThanOrEqual(1);
    expect(resumedAfter).toBeLessThan(4);
    expect(await run()).toBe("succeeded");

    const logs = await listJobLogs(stopped.id, { db: env.db });
    expect(logs.map((l) => l.message)).toContainEqual(expect.stringMatching(new RegExp(`resuming after epoch ${resumedAfter} \\(weights, optimiser state and best epoch \\d+ restored\\)`)));
    const resumed = (await epochLosses(stopped.id)).filter((e) => e.epoch > resumedAfter);
    expect(resumed.map((e) => e.epoch)).toEqual(reference.filter((e) => e.epoch > resumedAfter).map((e) => e.epoch));
    const learned = ({ loss, lossParts, valMAP50, valMAP50to95, valPerClassAP50 }: Record<string, unknown>) => ({ loss, lossParts, valMAP50, valMAP50to95, valPerClassAP50 });
    for (const epoch of resumed) expect(learned(epoch)).toEqual(learned(reference.find((e) => e.epoch === epoch.epoch)!));
    // The best epoch from before the stop still counts: both jobs select the same epoch.
    const selected = async (jobId: string) => {
      const version = await env.db.modelVersion.findUniqueOrThrow({ where: { trainingJobId: jobId } });
      return parseStored(modelTrainingMetricsColumn, version.trainingMetrics, version.id)?.selectedEpoch;
    };
    expect(await selected(stopped.id)).toBe(await selected(straight.id));
  }, 240_000);
});

