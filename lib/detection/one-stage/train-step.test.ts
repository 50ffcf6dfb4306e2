import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { FACEMASK_CLASSES } from "@/lib/domain/classes";
import { detectorFixture, type DetectorFixture } from "@/lib/server/testing/detector-fixture";
import { gridTensors } from "./loss";
import { buildOneStageDetector, buildOneStageHead, ONE_STAGE_STRIDES } from "./model";
import { pointGrid } from "./points";
import { oneStageTrainStep } from "./train-step";

const SIZE = 128;
const CLASSES = FACEMASK_CLASSES.length;
let fixture: DetectorFixture;

beforeAll(async () => {
  fixture = await detectorFixture(SIZE, 4);
});

describe("training the one-stage detector on wasm", () => {
  it("the head learns on frozen, cached backbone features: the loss falls", async () => {
    const { features, truths } = fixture;
    const head = buildOneStageHead(SIZE, CLASSES, "n");
    const grid = pointGrid(SIZE, ONE_STAGE_STRIDES);
    const constants = gridTensors(grid);
    const optimizer = tf.train.adam(2e-3);
    const losses: number[] = [];
    for (let step = 0; step < 40; step++) losses.push((await oneStageTrainStep(head, optimizer, features, truths, grid, constants, CLASSES)).total);
    const first = (losses[0]! + losses[1]!) / 2;
    const last = (losses.at(-1)! + losses.at(-2)!) / 2;
    expect(last).toBeLessThan(first * 0.6);
    expect(losses.every(Number.isFinite)).toBe(true);
  });

  it("the whole detector trains end to end: gradients reach the backbone", async () => {
    const { images, truths, weights } = fixture;
    const detector = buildOneStageDetector(SIZE, CLASSES, "n", weights);
    const grid = pointGrid(SIZE, ONE_STAGE_STRIDES);
    const stem = detector.getLayer("backbone_conv_0").getWeights()[0]!;
    const before = await stem.data();
    const step = await oneStageTrainStep(detector, tf.train.adam(1e-3), images.slice(0, 2), truths.slice(0, 2), grid, gridTensors(grid), CLASSES);
    expect(step.positives).toBeGreaterThan(0);
    const after = await detector.getLayer("backbone_conv_0").getWeights()[0]!.data();
    expect(after.some((v, i) => v !== before[i])).toBe(true);
  });

  it("reading predictions in a forward pass first (WebGPU's way) takes exactly the step of reading them in the gradient pass", async () => {
    const grid = pointGrid(SIZE, ONE_STAGE_STRIDES);
    const constants = gridTensors(grid);
    const [a, b] = [buildOneStageHead(SIZE, CLASSES, "n", 5), buildOneStageHead(SIZE, CLASSES, "n", 5)];
    const stepA = await oneStageTrainStep(a, tf.train.adam(1e-3), fixture.features, fixture.truths, grid, constants, CLASSES, { read: "in-gradient-pass" });
    const stepB = await oneStageTrainStep(b, tf.train.adam(1e-3), fixture.features, fixture.truths, grid, constants, CLASSES, { read: "forward-first" });
    expect(stepB).toEqual(stepA);
    const [wa, wb] = await Promise.all([a, b].map((m) => Promise.all(m.getWeights().map((w) => w.data()))));
    wa!.forEach((values, i) => expect(Array.from(wb![i]!)).toEqual(Array.from(values)));
  });
});
