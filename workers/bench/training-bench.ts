import * as tf from "@tensorflow/tfjs";
import { faceMobileNetV1 } from "@/lib/detection/backbones/face-mobilenet-v1";
import { letterboxFor } from "@/lib/detection/common/letterbox";
import type { Width } from "@/lib/detection/detector-family";
import { DETECTOR_FAMILIES, detectorMetadata } from "@/lib/detection/families";
import { probeWebGpuAdapter, selectNodeBackend, type NodeBackendSelection } from "@/lib/detection/tf/node-backend";
import { DETECTOR_FAMILY_CATALOGUE, DETECTOR_FAMILY_IDS } from "@/lib/domain/detector-families";
import { SeededRandom } from "@/lib/domain/random";
import { loadFaceSsdMobileNetWeights } from "@/lib/server/training/pretrained-weights";
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
  const probe = await probeWebGpuAdapter();
  if (probe.adapter) rows.push(...(await backendBenchmarks(await selectNodeBackend("webgpu", { ...process.env, MASKLAB_ALLOW_SOFTWARE_WEBGPU: "1" }), { batch: 2, steps: 1, latencyRuns: 5 })));
  else rows.push({ benchmark: "training: webgpu", value: "n/a", unit: "", notes: `no WebGPU adapter (${probe.problem})` });
  return rows;
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
