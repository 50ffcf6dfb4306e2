import * as tf from "@tensorflow/tfjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bestThroughput } from "@/lib/domain/benchmark-table";
import { useNodeBackend } from "@/lib/detection/tf/node-backend";
import { claimNextJob, enqueueJob, listJobLogs } from "../training/job-queue";
import { runClaimedJob } from "../training/job-runner";
import { benchmarkLatency, describeLatency, type LatencyBenchmarkRow } from "./latency-benchmark";
import { runCli } from "../testing/run-cli";
import { createSampleTestEnv, type SampleTestEnv } from "../testing/test-env";
import { detectorRunner } from "../training/detector-runner";

let env: SampleTestEnv;
let modelVersionId: string;
let jobId: string;
/** the size the model detects at: chosen on val after training at 128 px */
let inputSize: number;
beforeAll(async () => {
  await useNodeBackend("wasm");
  env = await createSampleTestEnv({ count: 20, seed: 4 });
  // A real, tiny model: one epoch of the quick CPU recipe at 128 px (the smallest input size training accepts).
  const job = await enqueueJob({ datasetId: env.summary.datasetId, kind: "one_stage", config: { preset: "quick-cpu", inputSize: 128, epochs: 1, batchSize: 8, maskJudge: false } }, { db: env.db });
  jobId = job.id;
  await env.db.worker.create({ data: { id: "latency-worker", kind: "training", hostname: "test", pid: 1, status: "idle" } });
  const claimed = (await claimNextJob("latency-worker", { kinds: ["one_stage"], leaseMs: 60_000, db: env.db }))!;
  const outcome = await runClaimedJob(claimed, detectorRunner("one_stage"), { workerId: "latency-worker", leaseMs: 60_000, heartbeatMs: 1000, db: env.db, store: env.store });
  expect(outcome).toBe("succeeded");
  ({ id: modelVersionId, inputSize } = await env.db.modelVersion.findUniqueOrThrow({ where: { trainingJobId: job.id } }));
}, 180_000);
afterAll(async () => env?.cleanup());

/** What any stored row must satisfy, whatever the machine's speed. */
function expectSane(row: LatencyBenchmarkRow, backend: string) {
  expect(row).toMatchObject({ modelVersionId, backend, runtime: "node" });
  expect(row.machine).toMatch(/×\d+, \w+ \w+, node v\d+/);
  expect(row.meanMs).toBeGreaterThan(0);
  expect(row.p50Ms).toBeGreaterThan(0);
  expect(row.p50Ms).toBeLessThanOrEqual(row.p95Ms);
  expect(row.throughputIps).toBeGreaterThan(0);
  expect(row.throughputIps!).toBeCloseTo(1000 / row.meanMs, 6);
}

/**
 * Cold load is loading plus one detect call, so about a warm call's time or more; "about": one call
 * may beat the median (on cpu, with no kernels to compile, it often nearly equals it).
 */
function expectColdLoad(row: LatencyBenchmarkRow) {
  expect(row.batchSize).toBe(1);
  expect(row.coldLoadMs).toBeGreaterThan(row.p50Ms / 2);
}

describe("benchmarkLatency", () => {
  it("ends every training job: the job's backend, batches 1 and 4, one log line", async () => {
    const rows = await env.db.latencyBenchmark.findMany({ where: { modelVersionId }, orderBy: { batchSize: "asc" } });
    expect(rows.map((row) => row.batchSize)).toEqual([1, 4]);
    for (const row of rows) expectSane(row, "wasm");
    const messages = (await listJobLogs(jobId, { db: env.db })).map((log) => log.message);
    expect(messages).toContain(describeLatency(rows));
    expect(describeLatency(rows)).toMatch(/^latency \(wasm, batch 1\): p50 [\d.]+ ms, p95 [\d.]+ ms; best throughput [\d.]+ img\/s at batch [14]$/);
  });

  it("stores one row per batch size on the test split's images: per-image p50 ≤ p95, throughput, cold load on batch 1; no tensor leaks", async () => {
    const before = await env.db.latencyBenchmark.count({ where: { modelVersionId } });
    const tensors = tf.memory().numTensors;
    const rows = await benchmarkLatency(modelVersionId, { store: env.store, db: env.db, warmupRuns: 1, runs: 6, batchSizes: [4, 2] });
    expect(tf.memory().numTensors).toBe(tensors);
    expect(tf.getBackend()).toBe("wasm");

    expect(rows.map((row) => row.batchSize)).toEqual([1, 2, 4]); // batch 1 always, sorted
    for (const row of rows) expectSane(row, "wasm");
    const [single, ...batched] = rows;
    expectColdLoad(single!);
    for (const row of batched) expect(row.coldLoadMs).toBeNull();
    expect(rows).toContainEqual(bestThroughput(rows));
    expect(bestThroughput(rows)!.throughputIps).toBe(Math.max(...rows.map((row) => row.throughputIps!)));

    const stored = await env.db.latencyBenchmark.findMany({ where: { id: { in: rows.map((row) => row.id) } }, orderBy: { batchSize: "asc" } });
    expect(stored).toEqual(rows);
    expect(await env.db.latencyBenchmark.count({ where: { modelVersionId } })).toBe(before + 3);
  }, 120_000);

  it("runs on synthetic scenes without test images, on the backend asked for, and switches back", async () => {
    const tensors = tf.memory().numTensors;
    const rows = await benchmarkLatency(modelVersionId, { store: env.store, db: env.db, backend: "cpu", images: [], warmupRuns: 1, runs: 3, batchSizes: [1] });
    expect(tf.getBackend()).toBe("wasm");
    expect(tf.memory().numTensors).toBe(tensors);
    expect(rows).toHaveLength(1);
    expectSane(rows[0]!, "cpu");
    expectColdLoad(rows[0]!);
  }, 120_000);

  it("rejects a budget it cannot measure", async () => {
    await expect(benchmarkLatency(modelVersionId, { store: env.store, db: env.db, runs: 0 })).rejects.toThrow(RangeError);
    await expect(benchmarkLatency(modelVersionId, { store: env.store, db: env.db, batchSizes: [1.5] })).rejects.toThrow(RangeError);
  });
});

describe("npm run benchmark-model", () => {
  const cli = (args: string[]) => runCli("benchmark-model", args, env.dir);

  it("benchmarks a model named as predict names it, stores the rows and prints them", async () => {
    const before = await env.db.latencyBenchmark.count({ where: { modelVersionId } });
    const result = await cli(["--model", "sample-mld1s-n@1", "--runs", "3"]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(new RegExp(`^sample-mld1s-n v1 \\(${inputSize} px, [\\d.]+ MB, [\\d,]+ parameters\\) on wasm, `));
    expect(result.stdout).toMatch(/batch +p50 ms +p95 ms +mean ms +img\/s +cold load ms/);
    for (const batch of [1, 2, 4, 8]) expect(result.stdout).toMatch(new RegExp(`^ +${batch} +[\\d.]+ +[\\d.]+ +[\\d.]+ +[\\d.]+`, "m"));
    expect(result.stdout).toContain("best throughput");
    expect(await env.db.latencyBenchmark.count({ where: { modelVersionId } })).toBe(before + 4);
  }, 120_000);

  it("usage errors exit 2, an unknown model 1", async () => {
    expect((await cli([])).code).toBe(2);
    expect((await cli(["--model", "sample-mld1s-n", "--backend", "tpu"])).code).toBe(2);
    expect((await cli(["--model", "sample-mld1s-n", "--runs", "0"])).code).toBe(2);
    expect((await cli(["--model", "no-such-model"])).code).toBe(1);
  }, 60_000);
});
