import os from "node:os";
import * as tf from "@tensorflow/tfjs";
import type { Detector } from "@/lib/detection/detector";
import type { RgbImage } from "@/lib/detection/common/preprocess";
import { describeAdapter } from "@/lib/detection/tf/backend-selection";
import { probeWebGpuAdapter, selectNodeBackend, type NodeBackend } from "@/lib/detection/tf/node-backend";
import { bestThroughput } from "@/lib/domain/benchmark-table";
import { mean, percentile } from "@/lib/domain/percentile";
import { generateScene, sceneToSvg } from "@/lib/domain/synthetic-scene";
import { db as defaultDb, type Db } from "../platform/db";
import { requireRunnableModel } from "./model-registry";
import { loadModelDetector } from "./model-loader";
import type { BlobStore } from "../platform/storage";
import { yieldToEventLoop } from "../training/evaluate-split";
import { decodeImageRgb } from "../images/decode";
import type { TrainingImage } from "../training/training-data";

export interface LatencyBenchmarkOptions {
  store: BlobStore;
  db?: Db;
  /** the TF.js backend to measure on; omitted: the current one. The row records what ran the model (Detector.runtime). */
  backend?: NodeBackend;
  /** untimed batch-1 runs after the cold first one */
  warmupRuns?: number;
  /** timed batch-1 runs (p50/p95/mean); larger batches run ⌈runs / batch⌉ times, at least 3 */
  runs?: number;
  /** batch sizes whose throughput is measured; batch 1 is always measured */
  batchSizes?: readonly number[];
  /** images to run on; default: the first max(batchSizes) of the model's dataset's test split; none: synthetic scenes */
  images?: readonly TrainingImage[];
}

export type LatencyBenchmarkRow = Awaited<ReturnType<Db["latencyBenchmark"]["create"]>>;

/**
 * Measures how fast a registered model version detects, in this process, and stores one
 * LatencyBenchmark row **per batch size** measured (batch 1 first):
 * - p50Ms / p95Ms / meanMs: milliseconds **per image** of a detect() call at that batch size (the
 *   call's time divided by its batch size); percentiles by nearest rank (lib/domain/percentile.ts);
 * - throughputIps: images per second at that batch size (1000 / meanMs); the best batch is the row
 *   with the highest (see `bestThroughput`);
 * - coldLoadMs (batch-1 row only): from reading the artifact files through loadModelDetector to
 *   the end of the first detect call, so it includes weight upload (or session creation) and the
 *   first kernel compilation/allocation. "Cold" for this model: the backend itself is already
 *   started, and kernels other models compiled in this process stay warm.
 * A timed call is the model's part of what serving pays: detect() on decoded pixels, i.e.
 * letterboxing (or resizing), the forward pass, reading its outputs back, decoding and NMS (the
 * model's own post-processing settings): the same call for TF.js and ONNX models, so their
 * figures compare. Image decoding happens before, untimed. The row's backend is what ran the
 * model (Detector.runtime: a TF.js backend, or "onnxruntime-cpu"). Inputs are the model's
 * dataset's test-split images (cycled when a batch needs more), else deterministic synthetic
 * scenes through the same decode path.
 */
export async function benchmarkLatency(modelVersionId: string, options: LatencyBenchmarkOptions): Promise<LatencyBenchmarkRow[]> {
  const { store, warmupRuns = 3, runs = 20 } = options;
  const batchSizes = [...new Set([1, ...(options.batchSizes ?? [1, 2, 4, 8])])].sort((a, b) => a - b);
  if (!Number.isInteger(runs) || runs < 1) throw new RangeError(`runs must be a positive whole number, not ${runs}`);
  if (!Number.isInteger(warmupRuns) || warmupRuns < 0) throw new RangeError(`warmupRuns must be a whole number ≥ 0, not ${warmupRuns}`);
  if (batchSizes.some((b) => !Number.isInteger(b) || b < 1)) throw new RangeError(`batch sizes must be positive whole numbers, not ${batchSizes.join(", ")}`);
  const database = options.db ?? defaultDb();
  const version = await database.modelVersion.findUniqueOrThrow({ where: { id: modelVersionId } });
  requireRunnableModel(version, "time");

  const previousBackend = tf.getBackend();
  if (options.backend && options.backend !== previousBackend) await selectNodeBackend(options.backend);
  let detector: Detector | undefined;
  try {
    const images = options.images ?? (await testImages(database, version.datasetId, batchSizes[batchSizes.length - 1]!));
    const inputs = images.length > 0 ? await Promise.all(images.map(async (image) => decodeImageRgb(await store.get(image.contentHash)))) : await syntheticInputs(batchSizes[batchSizes.length - 1]!);

    const loadStarted = performance.now();
    detector = await loadModelDetector(version, store);
    await detector.detect([inputs[0]!]);
    const coldLoadMs = performance.now() - loadStarted;
    const backend = detector.runtime();

    const measured: Array<{ batchSize: number; perImageMs: number[] }> = [];
    for (const batchSize of batchSizes) {
      // Batch 1 after the configured warm-ups; a larger batch is a new shape, so one warm-up of its own.
      const timedRuns = batchSize === 1 ? runs : Math.max(3, Math.ceil(runs / batchSize));
      measured.push({ batchSize, perImageMs: (await timeDetect(detector, inputs, batchSize, batchSize === 1 ? warmupRuns : 1, timedRuns)).map((ms) => ms / batchSize) });
    }

    const machine = await machineDescription(backend);
    return await database.$transaction(
      measured.map(({ batchSize, perImageMs }) => {
        const meanMs = mean(perImageMs);
        return database.latencyBenchmark.create({
          data: { modelVersionId, backend, runtime: "node", machine, batchSize, p50Ms: percentile(perImageMs, 50), p95Ms: percentile(perImageMs, 95), meanMs, throughputIps: 1000 / meanMs, coldLoadMs: batchSize === 1 ? coldLoadMs : null },
        });
      }),
    );
  } finally {
    detector?.dispose();
    if (tf.getBackend() !== previousBackend) await tf.setBackend(previousBackend);
  }
}

/** One log line, e.g. "latency (wasm, batch 1): p50 171 ms, p95 190 ms; best throughput 6.1 img/s at batch 4". */
export function describeLatency(rows: readonly LatencyBenchmarkRow[]): string {
  const single = rows.find((row) => row.batchSize === 1);
  const best = bestThroughput(rows);
  if (!single || !best) return "latency: nothing measured";
  return `latency (${single.backend}, batch 1): p50 ${formatMs(single.p50Ms)} ms, p95 ${formatMs(single.p95Ms)} ms; best throughput ${formatRate(best.throughputIps!)} img/s at batch ${best.batchSize}`;
}

export const formatMs = (ms: number) => (ms >= 100 ? ms.toFixed(0) : ms.toFixed(1));
/** images per second: one decimal, two significant digits below 1 (0.13 on the cpu backend, not 0.1) */
export const formatRate = (ips: number) => (ips >= 1 ? ips.toFixed(1) : ips.toPrecision(2));

/** The first `count` test-split images (stable order); their boxes are not needed. */
async function testImages(database: Db, datasetId: string, count: number): Promise<TrainingImage[]> {
  const rows = await database.image.findMany({
    where: { datasetId, split: "test" },
    orderBy: { fileName: "asc" },
    take: count,
    select: { id: true, fileName: true, contentHash: true, width: true, height: true, annotationVersion: true },
  });
  return rows.map(({ id, ...image }) => ({ imageId: id, ...image, boxes: [] }));
}

/** Synthetic sample scenes (seed 1), decoded like stored images. */
async function syntheticInputs(count: number): Promise<RgbImage[]> {
  return Promise.all(Array.from({ length: count }, (_, i) => decodeImageRgb(Buffer.from(sceneToSvg(generateScene(1, i))))));
}

/** Milliseconds of each timed detect() call on batches of `batchSize` images (cycled), after untimed warm-ups. */
async function timeDetect(detector: Detector, inputs: readonly RgbImage[], batchSize: number, warmups: number, timed: number): Promise<number[]> {
  const times: number[] = [];
  for (let run = -warmups; run < timed; run++) {
    const batch = Array.from({ length: batchSize }, (_, k) => inputs[(Math.max(0, run) * batchSize + k) % inputs.length]!);
    const started = performance.now();
    await detector.detect(batch);
    const elapsed = performance.now() - started;
    if (run >= 0) times.push(elapsed);
    await yieldToEventLoop(); // lease renewals and cancel checks run between calls, untimed
  }
  return times;
}

/** e.g. "AMD EPYC 7B13 ×2, linux x64, node v20.20.0" (+ ", webgpu on <adapter>" on webgpu). */
async function machineDescription(backend: string): Promise<string> {
  const cpus = os.cpus();
  const parts = [`${cpus[0]?.model.trim() ?? "unknown CPU"} ×${cpus.length}`, `${os.platform()} ${os.arch()}`, `node ${process.version}`];
  if (backend === "webgpu") {
    const probe = await probeWebGpuAdapter(); // probed once per process, already done when webgpu was chosen
    if (probe.adapter) parts.push(`webgpu on ${describeAdapter(probe.adapter)}`);
  }
  return parts.join(", ");
}
