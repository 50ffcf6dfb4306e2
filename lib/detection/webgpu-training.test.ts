import * as tf from "@tensorflow/tfjs";
import { describe, expect, it } from "vitest";
import type { DetectorFamilyId } from "@/lib/domain/detector-families";
import { SeededRandom } from "@/lib/domain/random";
import { DETECTOR_FAMILIES } from "./families";
import { describeAdapter } from "./tf/backend-selection";
import { probeWebGpuAdapter, selectNodeBackend } from "./tf/node-backend";

/**
 * Both detectors' real training steps on WebGPU (Dawn in Node) against wasm: the same weights,
 * inputs and seeded sampling give the same losses. WebGPU cannot read tensors synchronously in
 * Node, so its steps take the forward-first path (see common/train-step-reads.ts). Runs wherever a WebGPU
 * adapter exists, lavapipe included; skipped otherwise.
 */
const probe = await probeWebGpuAdapter();
const env = { ...process.env, MASKLAB_ALLOW_SOFTWARE_WEBGPU: "1" };
const SIZE = 128;
const truths = [
  [{ box: { xmin: 10, ymin: 10, xmax: 40, ymax: 50 }, classIndex: 0 }],
  [
    { box: { xmin: 60, ymin: 20, xmax: 80, ymax: 44 }, classIndex: 1 },
    { box: { xmin: 90, ymin: 90, xmax: 100, ymax: 102 }, classIndex: 2 },
  ],
];
const featureShapes = [
  [2, 16, 16, 256],
  [2, 8, 8, 512],
  [2, 4, 4, 1024],
];
const featureValues = featureShapes.map((shape, k) => {
  const random = new SeededRandom(40 + k);
  return Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => 6 * random.next());
});

/** Three training steps of a family's heads on one backend, from the given starting weights. */
async function losses(kind: DetectorFamilyId, backend: "wasm" | "webgpu", start?: Float32Array[]) {
  await selectNodeBackend(backend, env);
  const options = { inputSize: SIZE, numClasses: 3, width: "n" as const, seed: 3 };
  const model = DETECTOR_FAMILIES[kind].recipe.buildTrainable(options);
  if (start) model.setWeights(start.map((values, i) => tf.tensor(values, model.getWeights()[i]!.shape)));
  const weights = await Promise.all(model.getWeights().map(async (w) => (await w.data()) as Float32Array));
  const random = new SeededRandom(11);
  const step = DETECTOR_FAMILIES[kind].recipe.stepper(model, options, () => random.next());
  const optimizer = tf.train.adam(1e-3);
  const features = featureShapes.map((shape, k) => tf.tensor(featureValues[k]!, shape));
  const totals: number[] = [];
  for (let i = 0; i < 3; i++) totals.push((await step(optimizer, features, truths)).total);
  tf.dispose(features);
  return { totals, weights };
}

describe.skipIf(probe.adapter === null)(`detector training on WebGPU (${probe.adapter ? describeAdapter(probe.adapter) : "no adapter"})`, () => {
  it.each(["one_stage", "two_stage"] as const)("%s: the same losses as on wasm", async (kind) => {
    const wasm = await losses(kind, "wasm");
    const webgpu = await losses(kind, "webgpu", wasm.weights);
    await selectNodeBackend("wasm", env);
    console.log(`${kind}: losses wasm ${wasm.totals.map((v) => v.toFixed(5)).join(" → ")}, webgpu ${webgpu.totals.map((v) => v.toFixed(5)).join(" → ")}`);
    // The first loss is before any update: the forward passes agree.
    expect(Math.abs(webgpu.totals[0]! - wasm.totals[0]!)).toBeLessThan(1e-4 * Math.abs(wasm.totals[0]!));
    // Later ones follow the gradients' updates.
    for (let i = 1; i < 3; i++) expect(Math.abs(webgpu.totals[i]! - wasm.totals[i]!)).toBeLessThan(1e-2 * Math.abs(wasm.totals[i]!));
    expect(webgpu.totals[2]!).toBeLessThan(webgpu.totals[0]!);
  }, 120_000);
});

describe.skipIf(probe.adapter === null)("a training job on WebGPU", () => {
  it("runs unchanged when the job asks for webgpu, and records the backend", async () => {
    const { createSampleTestEnv } = await import("@/lib/server/testing/test-env");
    const { claimNextJob, enqueueJob, getJob, listJobLogs } = await import("@/lib/server/training/job-queue");
    const { runClaimedJob } = await import("@/lib/server/training/job-runner");
    const { detectorRunner } = await import("@/lib/server/training/detector-runner");
    const testEnv = await createSampleTestEnv({ count: 16, seed: 3 });
    const previous = process.env.MASKLAB_ALLOW_SOFTWARE_WEBGPU;
    process.env.MASKLAB_ALLOW_SOFTWARE_WEBGPU = "1";
    try {
      const job = await enqueueJob({ datasetId: testEnv.summary.datasetId, kind: "one_stage", config: { preset: "quick-cpu", inputSize: 128, epochs: 1, batchSize: 8, backend: "webgpu", maskJudge: false } }, { db: testEnv.db });
      await testEnv.db.worker.create({ data: { id: "gpu-worker", kind: "training", hostname: "test", pid: 1, status: "idle" } });
      const claimed = (await claimNextJob("gpu-worker", { kinds: ["one_stage"], leaseMs: 120_000, db: testEnv.db }))!;
      const outcome = await runClaimedJob(claimed, detectorRunner("one_stage"), { workerId: "gpu-worker", leaseMs: 120_000, heartbeatMs: 1000, db: testEnv.db, store: testEnv.store });
      const logs = await listJobLogs(job.id, { db: testEnv.db });
      expect(outcome, logs.map((l) => l.message).join("\n")).toBe("succeeded");
      expect((await getJob(job.id, testEnv.db)).backend).toBe("webgpu");
      const version = await testEnv.db.modelVersion.findUniqueOrThrow({ where: { trainingJobId: job.id } });
      expect((version.trainingMetrics as { backend: string }).backend).toBe("webgpu");
    } finally {
      if (previous === undefined) delete process.env.MASKLAB_ALLOW_SOFTWARE_WEBGPU;
      else process.env.MASKLAB_ALLOW_SOFTWARE_WEBGPU = previous;
      await selectNodeBackend("wasm", env);
      await testEnv.cleanup();
    }
  }, 180_000);
});
