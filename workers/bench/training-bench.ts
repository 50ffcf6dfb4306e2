import * as tf from "@tensorflow/tfjs";
import { faceMobileNetV1 } from "@/lib/detection/backbones/face-mobilenet-v1";
import { detectionsFromRaw } from "@/lib/detection/one-stage/decode";
import { letterboxFor } from "@/lib/detection/letterbox";
import { gridTensors } from "@/lib/detection/one-stage/loss";
import { buildOneStageDetector, buildOneStageHead, ONE_STAGE_STRIDES, type OneStageWidth } from "@/lib/detection/one-stage/model";
import { pointGrid } from "@/lib/detection/one-stage/points";
import { oneStageTrainStep } from "@/lib/detection/one-stage/train-step";
import { useNodeBackend } from "@/lib/detection/tf/node-backend";
import { loadFaceSsdMobileNetWeights } from "@/lib/server/pretrained-weights";
import { percentile, round, type BenchRow } from "./bench-row";

const SIZE = 416;

/** Faces of the right size for the assigner: a few boxes per image. */
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

/** Training and inference speed of the one-stage detector on this machine's TF.js backend. */
export async function trainingBenchmarks(): Promise<BenchRow[]> {
  const backend = await useNodeBackend("wasm");
  const weights = await loadFaceSsdMobileNetWeights();
  const rows: BenchRow[] = [];
  const grid = pointGrid(SIZE, ONE_STAGE_STRIDES);
  const constants = gridTensors(grid);

  const input = tf.input({ shape: [SIZE, SIZE, 3] });
  const backbone = tf.model({ inputs: input, outputs: faceMobileNetV1(input, weights) });
  const image = tf.randomUniform<tf.Rank.R4>([1, SIZE, SIZE, 3], -1, 1, "float32", 1);
  const featureMs = await timeSteps(() => tf.dispose(backbone.predict(image) as tf.Tensor[]), 5);
  rows.push({ benchmark: `training: cache backbone features (${backend})`, value: round(1000 / featureMs, 1), unit: "img/s", notes: `${round(featureMs)} ms per ${SIZE} px image, face-trained MobileNetV1` });

  const batch = 8;
  const features = backbone.predict(tf.randomUniform<tf.Rank.R4>([batch, SIZE, SIZE, 3], -1, 1, "float32", 2)) as tf.Tensor[];
  for (const width of ["n", "s"] as OneStageWidth[]) {
    const head = buildOneStageHead(SIZE, 3, width);
    const optimizer = tf.train.adam(1e-3);
    const ms = await timeSteps(() => oneStageTrainStep(head, optimizer, features, syntheticTruths(batch), grid, constants, 3), 3);
    rows.push({ benchmark: `training: MLD-1S-${width} head on cached features (${backend})`, value: round((batch * 1000) / ms, 1), unit: "img/s", notes: `batch ${batch}, ${SIZE} px, ${head.countParams().toLocaleString("en")} trainable parameters` });
  }

  const detector = buildOneStageDetector(SIZE, 3, "n", weights);
  const images = tf.randomUniform<tf.Rank.R4>([4, SIZE, SIZE, 3], -1, 1, "float32", 3);
  const optimizer = tf.train.adam(1e-4);
  const endToEndMs = await timeSteps(() => oneStageTrainStep(detector, optimizer, images, syntheticTruths(4), grid, constants, 3), 2);
  rows.push({ benchmark: `training: MLD-1S-n end to end, no caching (${backend})`, value: round((4 * 1000) / endToEndMs, 2), unit: "img/s", notes: `batch 4, ${SIZE} px, backbone trained too (${detector.countParams().toLocaleString("en")} parameters)` });

  const letterbox = letterboxFor({ width: SIZE, height: SIZE }, SIZE);
  const latencies: number[] = [];
  for (let i = -2; i < 15; i++) {
    const started = performance.now();
    const raw = detector.predict(image) as tf.Tensor;
    detectionsFromRaw((await raw.data()) as Float32Array, grid, 3, letterbox, { scoreThreshold: 0.25, iouThreshold: 0.6, maxDetections: 100 });
    raw.dispose();
    if (i >= 0) latencies.push(performance.now() - started);
  }
  latencies.sort((a, b) => a - b);
  rows.push({ benchmark: `inference: MLD-1S-n in Node (${backend})`, value: round(percentile(latencies, 50)), unit: "ms p50", notes: `p95 ${round(percentile(latencies, 95))} ms, ${SIZE} px, batch 1, incl. decoding and NMS, after 2 warm-ups` });
  tf.dispose([image, images, ...features]);
  return rows;
}
