import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import sharp from "sharp";
import * as tf from "@tensorflow/tfjs";
import { faceMobileNetV1 } from "@/lib/detection/backbones/face-mobilenet-v1";
import { letterboxFor } from "@/lib/detection/common/letterbox";
import type { Width } from "@/lib/detection/detector-family";
import { DETECTOR_FAMILIES, detectorMetadata } from "@/lib/detection/families";
import { probeWebGpuAdapter, selectNodeBackend, type NodeBackendSelection } from "@/lib/detection/tf/node-backend";
import { DETECTOR_FAMILY_CATALOGUE, DETECTOR_FAMILY_IDS } from "@/lib/domain/detector-families";
import { SeededRandom } from "@/lib/domain/random";
import { loadFaceSsdMobileNetWeights } from "@/lib/server/training/pretrained-weights";
import { LocalBlobStore } from "@/lib/server/platform/storage";
import { cacheFeaturesInThreads, trainingThreads } from "@/lib/server/training/feature-threads";
import type { TrainingImage } from "@/lib/server/training/training-data";
import { percentile, round, type BenchRow } from "./bench-row";

const SIZE = 416;

/** Faces of the right size for the assigners: a few boxes per image. */
function syntheticTruths(batch: number) {
  return Array.from({ length: batch }, (_, n) => [
    { box: { xmin: 40 + n, ymin: 60, xmax: 80 + n, ymax: 110 }, classIndex: 0 },
    { box: { xmin: 200, ymin: 150, xmax: 222, ymax: 176 }, classIndex: 1 },
    { box: { xmin: 300, ymin: 40, xmax: 390, ymax: 150 }, classIndex: 2 },
  ]);
}

/** Mean time of `steps` runs after one warm-up (shader compilation on webgpu, allocation on wasm). */
async function timeAsync(run: () => Promise<unknown>, steps: number): Promise<number> {
  await run();
  const started = performance.now();
  for (let i = 0; i < steps; i++) await run();
  return (performance.now() - started) / steps;
}

/**
 * Training and inference speed of every detector family, on wasm and, where a WebGPU adapter
 * exists (a software one counts here: lavapipe gives a floor, not a GPU figure), on webgpu.
 */
export async function trainingBenchmarks(): Promise<BenchRow[]> {
  const rows = await backendBenchmarks(await selectNodeBackend("wasm"), { batch: 8, steps: 3, latencyRuns: 15 });
  rows.push(...(await threadBenchmarks()));
  const probe = await probeWebGpuAdapter();
  if (probe.adapter) rows.push(...(await backendBenchmarks(await selectNodeBackend("webgpu", { ...process.env, MASKLAB_ALLOW_SOFTWARE_WEBGPU: "1" }), { batch: 2, steps: 1, latencyRuns: 5 })));
  else rows.push({ benchmark: "training: webgpu", value: "n/a", unit: "", notes: `no WebGPU adapter (${probe.problem})` });
  return rows;
}

/**
 * Feature caching (the frozen-backbone path's first phase) on 1, 2 … every core's worth of
 * feature threads: the same 24 photo-sized JPEGs, plain and mirrored, at 416 px.
 */
async function threadBenchmarks(): Promise<BenchRow[]> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "masklab-bench-threads-"));
  try {
    const store = new LocalBlobStore(dir);
    const random = new SeededRandom(9);
    const images: TrainingImage[] = [];
    for (let i = 0; i < 24; i++) {
      const [width, height] = [400, 300];
      const bytes = await sharp(Buffer.from(Array.from({ length: width * height * 3 }, () => random.int(0, 255))), { raw: { width, height, channels: 3 } }).jpeg().toBuffer();
      images.push({ imageId: `b${i}`, fileName: `b${i}.jpg`, contentHash: await store.put(bytes), width, height, annotationVersion: 1, boxes: [] });
    }
    const requests = images.flatMap((image) => [{ image, flip: false }, { image, flip: true }]);
    const counts = [...new Set([1, 2, trainingThreads()])].filter((n) => n <= Math.max(2, trainingThreads()));
    const rows: BenchRow[] = [];
    let single = 0;
    for (const threads of counts) {
      const started = performance.now();
      await cacheFeaturesInThreads(store, requests, SIZE, threads);
      const perSecond = requests.length / ((performance.now() - started) / 1000);
      if (threads === 1) single = perSecond;
      rows.push({ benchmark: `training: cache backbone features on ${threads} thread${threads === 1 ? "" : "s"} (wasm)`, value: round(perSecond, 2), unit: "img/s", notes: `${requests.length} inputs (400×300 JPEGs, plain and mirrored) at ${SIZE} px, decoding and thread start-up included; ${threads === 1 ? "the baseline" : `${round(perSecond / single, 2)}× one thread`}; ${os.availableParallelism()} cores` });
    }
    return rows;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function backendBenchmarks(selection: NodeBackendSelection, sizes: { batch: number; steps: number; latencyRuns: number }): Promise<BenchRow[]> {
  const backend = selection.description;
  const weights = await loadFaceSsdMobileNetWeights();
  const rows: BenchRow[] = [];
  const { batch, steps } = sizes;

  const input = tf.input({ shape: [SIZE, SIZE, 3] });
  const backbone = tf.model({ inputs: input, outputs: faceMobileNetV1(input, weights) });
  const image = tf.randomUniform<tf.Rank.R4>([1, SIZE, SIZE, 3], -1, 1, "float32", 1);
  // Read every output: on webgpu, work is only done when its result is read.
  const featureMs = await timeAsync(async () => tf.dispose(await Promise.all((backbone.predict(image) as tf.Tensor[]).map(async (t) => (await t.data(), t)))), steps + 2);
  rows.push({ benchmark: `training: cache backbone features (${backend})`, value: round(1000 / featureMs, 1), unit: "img/s", notes: `${round(featureMs)} ms per ${SIZE} px image, face-trained MobileNetV1` });

  const features = backbone.predict(tf.randomUniform<tf.Rank.R4>([batch, SIZE, SIZE, 3], -1, 1, "float32", 2)) as tf.Tensor[];
  const images = tf.randomUniform<tf.Rank.R4>([Math.min(batch, 4), SIZE, SIZE, 3], -1, 1, "float32", 3);
  const letterbox = letterboxFor({ width: SIZE, height: SIZE }, SIZE);
  for (const kind of DETECTOR_FAMILY_IDS) {
    const recipe = DETECTOR_FAMILIES[kind].recipe;
    const name = DETECTOR_FAMILY_CATALOGUE[kind].name;
    const random = new SeededRandom(1);
    for (const width of ["n", "s"] as Width[]) {
      const options = { inputSize: SIZE, numClasses: 3, width, seed: 1 };
      const heads = recipe.buildTrainable(options);
      const step = recipe.stepper(heads, options, () => random.next());
      const optimizer = tf.train.adam(1e-3);
      const ms = await timeAsync(() => step(optimizer, features, syntheticTruths(batch)), steps);
      rows.push({ benchmark: `training: ${name}-${width} heads on cached features (${backend})`, value: round((batch * 1000) / ms, 1), unit: "img/s", notes: `batch ${batch}, ${SIZE} px, ${heads.countParams().toLocaleString("en")} trainable parameters` });
    }

    const options = { inputSize: SIZE, numClasses: 3, width: "n" as const, seed: 1 };
    const detector = recipe.buildTrainable(options, { weights });
    const step = recipe.stepper(detector, options, () => random.next());
    const optimizer = tf.train.adam(1e-4);
    const endToEndMs = await timeAsync(() => step(optimizer, images, syntheticTruths(images.shape[0])), Math.max(1, steps - 1));
    rows.push({ benchmark: `training: ${name}-n end to end, no caching (${backend})`, value: round((images.shape[0] * 1000) / endToEndMs, 2), unit: "img/s", notes: `batch ${images.shape[0]}, ${SIZE} px, backbone trained too (${detector.countParams().toLocaleString("en")} parameters)` });

    const metadata = detectorMetadata(kind, { width: "n", backbone: "face-mobilenet-v1", classes: ["with_mask", "without_mask", "mask_weared_incorrect"], inputSize: SIZE });
    const run = DETECTOR_FAMILIES[kind].detector(detector, metadata);
    const latencies: number[] = [];
    for (let i = -2; i < sizes.latencyRuns; i++) {
      const started = performance.now();
      await run.detectPrepared(image, [letterbox]);
      if (i >= 0) latencies.push(performance.now() - started);
    }
    run.dispose();
    latencies.sort((a, b) => a - b);
    rows.push({ benchmark: `inference: ${name}-n in Node (${backend})`, value: round(percentile(latencies, 50)), unit: "ms p50", notes: `p95 ${round(percentile(latencies, 95))} ms, ${SIZE} px, batch 1, incl. decoding and NMS${kind === "two_stage" ? " (300 proposals)" : ""}, after 2 warm-ups` });
  }
  tf.dispose([image, images, ...features]);
  return rows;
}
