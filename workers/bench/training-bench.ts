import * as tf from "@tensorflow/tfjs";
import { faceMobileNetV1 } from "@/lib/detection/backbones/face-mobilenet-v1";
import { detectorFor } from "@/lib/detection/detector";
import { letterboxFor } from "@/lib/detection/letterbox";
import { detectorMetadata, RECIPES, type DetectorKind, type Width } from "@/lib/detection/recipes";
import { useNodeBackend } from "@/lib/detection/tf/node-backend";
import { SeededRandom } from "@/lib/domain/random";
import { loadFaceSsdMobileNetWeights } from "@/lib/server/pretrained-weights";
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

async function timeSteps(run: () => unknown, steps: number): Promise<number> {
  run();
  const started = performance.now();
  for (let i = 0; i < steps; i++) run();
  return (performance.now() - started) / steps;
}

const NAMES: Record<DetectorKind, string> = { one_stage: "MLD-1S", two_stage: "MLD-2S" };

/** Training and inference speed of both detector families on this machine's TF.js backend. */
export async function trainingBenchmarks(): Promise<BenchRow[]> {
  const backend = await useNodeBackend("wasm");
  const weights = await loadFaceSsdMobileNetWeights();
  const rows: BenchRow[] = [];

  const input = tf.input({ shape: [SIZE, SIZE, 3] });
  const backbone = tf.model({ inputs: input, outputs: faceMobileNetV1(input, weights) });
  const image = tf.randomUniform<tf.Rank.R4>([1, SIZE, SIZE, 3], -1, 1, "float32", 1);
  const featureMs = await timeSteps(() => tf.dispose(backbone.predict(image) as tf.Tensor[]), 5);
  rows.push({ benchmark: `training: cache backbone features (${backend})`, value: round(1000 / featureMs, 1), unit: "img/s", notes: `${round(featureMs)} ms per ${SIZE} px image, face-trained MobileNetV1` });

  const batch = 8;
  const features = backbone.predict(tf.randomUniform<tf.Rank.R4>([batch, SIZE, SIZE, 3], -1, 1, "float32", 2)) as tf.Tensor[];
  const images = tf.randomUniform<tf.Rank.R4>([4, SIZE, SIZE, 3], -1, 1, "float32", 3);
  const letterbox = letterboxFor({ width: SIZE, height: SIZE }, SIZE);
  for (const kind of ["one_stage", "two_stage"] as DetectorKind[]) {
    const recipe = RECIPES[kind];
    const name = NAMES[kind];
    const random = new SeededRandom(1);
    for (const width of ["n", "s"] as Width[]) {
      const options = { inputSize: SIZE, numClasses: 3, width, seed: 1 };
      const heads = recipe.buildTrainable(options);
      const step = recipe.stepper(heads, options, () => random.next());
      const optimizer = tf.train.adam(1e-3);
      const ms = await timeSteps(() => step(optimizer, features, syntheticTruths(batch)), 3);
      rows.push({ benchmark: `training: ${name}-${width} heads on cached features (${backend})`, value: round((batch * 1000) / ms, 1), unit: "img/s", notes: `batch ${batch}, ${SIZE} px, ${heads.countParams().toLocaleString("en")} trainable parameters` });
    }

    const options = { inputSize: SIZE, numClasses: 3, width: "n" as const, seed: 1 };
    const detector = recipe.buildTrainable(options, { weights });
    const step = recipe.stepper(detector, options, () => random.next());
    const optimizer = tf.train.adam(1e-4);
    const endToEndMs = await timeSteps(() => step(optimizer, images, syntheticTruths(4)), 2);
    rows.push({ benchmark: `training: ${name}-n end to end, no caching (${backend})`, value: round((4 * 1000) / endToEndMs, 2), unit: "img/s", notes: `batch 4, ${SIZE} px, backbone trained too (${detector.countParams().toLocaleString("en")} parameters)` });

    const metadata = detectorMetadata(recipe, { width: "n", backbone: "face-mobilenet-v1", classes: ["with_mask", "without_mask", "mask_weared_incorrect"], inputSize: SIZE });
    const run = detectorFor(detector, metadata);
    const latencies: number[] = [];
    for (let i = -2; i < 15; i++) {
      const started = performance.now();
      await run.detect(image, [letterbox]);
      if (i >= 0) latencies.push(performance.now() - started);
    }
    latencies.sort((a, b) => a - b);
    rows.push({ benchmark: `inference: ${name}-n in Node (${backend})`, value: round(percentile(latencies, 50)), unit: "ms p50", notes: `p95 ${round(percentile(latencies, 95))} ms, ${SIZE} px, batch 1, incl. decoding and NMS${kind === "two_stage" ? " (300 proposals)" : ""}, after 2 warm-ups` });
  }
  tf.dispose([image, images, ...features]);
  return rows;
}
