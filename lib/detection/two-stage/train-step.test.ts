import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { FACEMASK_CLASSES } from "@/lib/domain/classes";
import { SeededRandom } from "@/lib/domain/random";
import { detectorFixture, type DetectorFixture } from "@/lib/server/testing/detector-fixture";
import { twoStageAnchors } from "./anchors";
import { detectTwoStage } from "./detect";
import { buildProposer, buildRoiHead, buildTwoStageModel, TWO_STAGE_STRIDES, twoStageParts } from "./model";
import { twoStageTrainStep, type TwoStageStepResult } from "./train-step";

const SIZE = 128;
const CLASSES = FACEMASK_CLASSES.length;
let fixture: DetectorFixture;

beforeAll(async () => {
  fixture = await detectorFixture(SIZE, 4);
});

describe("training the two-stage detector on wasm", () => {
  it("the heads learn on frozen, cached backbone features: every loss part falls", async () => {
    const { features, truths } = fixture;
    const parts = twoStageParts(buildTwoStageModel(SIZE, "n", buildProposer(SIZE, "n"), buildRoiHead(CLASSES, "n")));
    const anchors = twoStageAnchors(SIZE);
    const random = new SeededRandom(3);
    const optimizer = tf.train.adam(1e-3);
    const steps: TwoStageStepResult[] = [];
    for (let step = 0; step < 30; step++) steps.push(await twoStageTrainStep(parts, optimizer, features, truths, anchors, SIZE, () => random.next()));
    const mean = (from: number, to: number, key: "total" | "rpnObjectness" | "roiClassification") => steps.slice(from, to).reduce((s, r) => s + r[key], 0) / (to - from);
    expect(mean(25, 30, "total")).toBeLessThan(mean(0, 5, "total") * 0.6);
    expect(mean(25, 30, "rpnObjectness")).toBeLessThan(mean(0, 5, "rpnObjectness"));
    expect(mean(25, 30, "roiClassification")).toBeLessThan(mean(0, 5, "roiClassification"));
    expect(steps.every((s) => Number.isFinite(s.total) && s.positives > 0 && s.foreground > 0)).toBe(true);
    expect(tf.memory().numTensors).toBeLessThan(2000); // steps do not leak
  });

  it("the whole detector trains end to end (gradients reach the backbone), saves, loads and detects the same", async () => {
    const { images, truths, weights } = fixture;
    const model = buildTwoStageModel(SIZE, "n", buildProposer(SIZE, "n"), buildRoiHead(CLASSES, "n"), { weights });
    const parts = twoStageParts(model);
    const anchors = twoStageAnchors(SIZE);
    const before = await model.getLayer("backbone_conv_0").getWeights()[0]!.data();
    const random = new SeededRandom(4);
    const step = await twoStageTrainStep(parts, tf.train.adam(1e-3), images.slice(0, 2), truths.slice(0, 2), anchors, SIZE, () => random.next());
    expect(step.positives).toBeGreaterThan(0);
    const after = await model.getLayer("backbone_conv_0").getWeights()[0]!.data();
    expect(after.some((v, i) => v !== before[i])).toBe(true);

    // Round trip through TF.js's own save format, then split the loaded model into its stages again.
    let saved: tf.io.ModelArtifacts | undefined;
    await model.save(tf.io.withSaveHandler(async (artifacts) => ((saved = artifacts), { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: "JSON" } })));
    const loaded = twoStageParts(await tf.loadLayersModel(tf.io.fromMemory(saved!)));
    const options = { scoreThreshold: 0, iouThreshold: 0.5, maxDetections: 20 };
    const a = await detectTwoStage(parts, images.slice(0, 2), anchors, TWO_STAGE_STRIDES, SIZE, CLASSES, options);
    const b = await detectTwoStage(loaded, images.slice(0, 2), anchors, TWO_STAGE_STRIDES, SIZE, CLASSES, options);
    expect(a[0]!.length).toBeGreaterThan(0);
    expect(b).toEqual(a);
  });

  it("reading proposals in a forward pass first (WebGPU's way) takes exactly the step of reading them in the gradient pass", async () => {
    const build = () => twoStageParts(buildTwoStageModel(SIZE, "n", buildProposer(SIZE, "n", 9), buildRoiHead(CLASSES, "n", 19)));
    const [a, b] = [build(), build()];
    const anchors = twoStageAnchors(SIZE);
    const [ra, rb] = [new SeededRandom(8), new SeededRandom(8)];
    const stepA = await twoStageTrainStep(a, tf.train.adam(1e-3), fixture.features, fixture.truths, anchors, SIZE, () => ra.next(), "in-gradient-pass");
    const stepB = await twoStageTrainStep(b, tf.train.adam(1e-3), fixture.features, fixture.truths, anchors, SIZE, () => rb.next(), "forward-first");
    expect(stepB).toEqual(stepA);
    const [wa, wb] = await Promise.all([a, b].map((p) => Promise.all(p.model.getWeights().map((w) => w.data()))));
    wa!.forEach((values, i) => expect(Array.from(wb![i]!)).toEqual(Array.from(values)));
  });
});
