import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { modelMetadataSchema, type MaskJudge } from "@/lib/contracts/artifact";
import { SeededRandom } from "@/lib/domain/random";
import { modelFromFiles, modelToFiles } from "../artifact";
import type { RgbImage } from "../common/preprocess";
import { DETECTOR_FAMILIES, detectorMetadata } from "../families";
import { useNodeBackend } from "../tf/node-backend";
import { judgeCropBox, jitteredBox, normalizedCropBox } from "./crop";
import { cropFeatures, judgeFaces, judgeFeatureModel, judgeProbabilities, trainJudgeLayer } from "./mask-judge";
import { findLabel } from "./finds";
import { faceScoreReaching, judgedScore, rescoreFaces } from "./rescore";
import { loadFaceSsdMobileNetWeights } from "@/lib/server/training/pretrained-weights";

const CLASSES = ["with_mask", "without_mask", "mask_weared_incorrect"];

beforeAll(async () => {
  await useNodeBackend("wasm");
});

describe("the judge's crop", () => {
  it("is a square around the box's centre, the longer side plus the margin on each side", () => {
    expect(judgeCropBox({ xmin: 10, ymin: 20, xmax: 30, ymax: 60 }, 0.25)).toEqual({ xmin: -10, ymin: 10, xmax: 50, ymax: 70 });
  });

  it("is given to cropAndResize as fractions of the image, [y1, x1, y2, x2], and may reach past it", () => {
    expect(normalizedCropBox({ xmin: -10, ymin: 10, xmax: 50, ymax: 70 }, { width: 100, height: 200 })).toEqual([0.05, -0.1, 0.35, 0.5]);
  });

  it("jitters a box by at most the amount of its size, the same way for the same generator", () => {
    const box = { xmin: 100, ymin: 100, xmax: 140, ymax: 150 };
    const a = new SeededRandom(3);
    const b = new SeededRandom(3);
    for (let i = 0; i < 50; i++) {
      const jittered = jitteredBox(box, 0.1, () => a.next());
      expect(jittered).toEqual(jitteredBox(box, 0.1, () => b.next()));
      expect(Math.abs((jittered.xmin + jittered.xmax) / 2 - 120)).toBeLessThanOrEqual(4 + 1e-9);
      expect(jittered.xmax - jittered.xmin).toBeGreaterThanOrEqual(36 - 1e-9);
      expect(jittered.xmax - jittered.xmin).toBeLessThanOrEqual(44 + 1e-9);
    }
  });
});

describe("what the detector's finds teach the judge", () => {
  const labelled = [
    { box: { xmin: 0, ymin: 0, xmax: 10, ymax: 10 }, classIndex: 2 },
    { box: { xmin: 100, ymin: 0, xmax: 110, ymax: 10 }, classIndex: 0 },
  ];
  const thresholds = { faceIou: 0.5, backgroundIou: 0.3 };

  it("a find on a labelled face teaches that face's class (the one it overlaps most)", () => {
    expect(findLabel({ xmin: 1, ymin: 0, xmax: 11, ymax: 10 }, labelled, 3, thresholds)).toBe(2);
    expect(findLabel({ xmin: 101, ymin: 1, xmax: 110, ymax: 10 }, labelled, 3, thresholds)).toBe(0);
  });

  it("a find on no labelled face teaches not a face; one that is part face teaches nothing", () => {
    expect(findLabel({ xmin: 50, ymin: 50, xmax: 60, ymax: 60 }, labelled, 3, thresholds)).toBe(3);
    expect(findLabel({ xmin: 50, ymin: 50, xmax: 60, ymax: 60 }, [], 3, thresholds)).toBe(3);
    // IoU 0.6 / 1.4 ≈ 0.43 with the first face: between the two thresholds
    expect(findLabel({ xmin: 4, ymin: 0, xmax: 14, ymax: 10 }, labelled, 3, thresholds)).toBeNull();
    // IoU 0.25: under the background threshold
    expect(findLabel({ xmin: 6, ymin: 0, xmax: 16, ymax: 10 }, labelled, 3, thresholds)).toBe(3);
  });
});

describe("rescoring found faces with the judge's probabilities", () => {
  const faces = [
    { box: { xmin: 0, ymin: 0, xmax: 10, ymax: 10 }, score: 0.9, classIndex: 0 },
    { box: { xmin: 20, ymin: 0, xmax: 30, ymax: 10 }, score: 0.5, classIndex: 0 },
  ];
  const probabilities = [0.1, 0.7, 0.2, 0.6, 0.3, 0.1];

  it("serving: each face once, with its likeliest class, scored face × p(class)", () => {
    const out = rescoreFaces(faces, probabilities, 3, { scoreThreshold: 0.25, maxDetections: 10, multiLabel: false });
    expect(out.map((d) => [d.classIndex, +d.score.toFixed(3)])).toEqual([
      [1, 0.63],
      [0, 0.3],
    ]);
  });

  it("evaluation: every class above the threshold, best first, at most maxDetections", () => {
    const out = rescoreFaces(faces, probabilities, 3, { scoreThreshold: 0.06, maxDetections: 4, multiLabel: true });
    expect(out.map((d) => [d.classIndex, +d.score.toFixed(3)])).toEqual([
      [1, 0.63],
      [0, 0.3],
      [2, 0.18],
      [1, 0.15],
    ]);
  });

  it("geometric-mean scoring: √(face × p(class)), the same order as the product; serving passes on exactly the faces that can reach its threshold", () => {
    const out = rescoreFaces(faces, probabilities, 3, { scoreThreshold: 0.25, maxDetections: 10, multiLabel: true }, "geometric-mean");
    // the second face's third class: √(0.5 × 0.1) ≈ 0.224, under the threshold
    expect(out.map((d) => [d.classIndex, +d.score.toFixed(3)])).toEqual([
      [1, 0.794],
      [0, 0.548],
      [2, 0.424],
      [1, 0.387],
      [0, 0.3],
    ]);
    const product = rescoreFaces(faces, probabilities, 3, { scoreThreshold: 0, maxDetections: 10, multiLabel: true }, "product");
    const geometric = rescoreFaces(faces, probabilities, 3, { scoreThreshold: 0, maxDetections: 10, multiLabel: true }, "geometric-mean");
    expect(geometric.map((d) => [d.box.xmin, d.classIndex])).toEqual(product.map((d) => [d.box.xmin, d.classIndex]));
    for (const threshold of [0.05, 0.25, 0.6]) {
      const reaching = faceScoreReaching("geometric-mean", threshold);
      expect(judgedScore("geometric-mean", reaching, 1)).toBeCloseTo(threshold, 10);
      expect(judgedScore("geometric-mean", reaching * 0.99, 1)).toBeLessThan(threshold);
      expect(faceScoreReaching("product", threshold)).toBe(threshold);
    }
  });
});

describe("training the judge's layer", () => {
  // Three classes that differ in two of eight features, with noise; the rare class has 10 of 130 rows.
  function data(seed: number) {
    const random = new SeededRandom(seed);
    const labels = [...Array(80).fill(0), ...Array(40).fill(1), ...Array(10).fill(2)] as number[];
    const features = new Float32Array(labels.length * 8);
    labels.forEach((label, i) => {
      for (let d = 0; d < 8; d++) features[i * 8 + d] = 3 + random.next() * 2 + (d === label ? 4 : 0) + (d === 7 ? 100 : 0);
    });
    return { features, labels };
  }

  it("learns separable classes on raw (unstandardised) features, the rare one too, and the same data and seed give the same weights", async () => {
    const { features, labels } = data(1);
    const options = { epochs: 40, learningRate: 0.05, l2: 1e-4, seed: 4 };
    const layer = await trainJudgeLayer(features, labels, 3, options);
    expect(await trainJudgeLayer(features, labels, 3, options)).toEqual(layer);
    const test = data(2);
    const probabilities = await judgeProbabilities(tf.tensor2d(test.features, [test.labels.length, 8]), { cropSize: 64, margin: 0, minFaceScore: 0, mirrored: false, scoring: "product", background: false, ...layer }, 3);
    const predicted = test.labels.map((_, i) => [0, 1, 2].reduce((best, c) => (probabilities[i * 3 + c]! > probabilities[i * 3 + best]! ? c : best), 0));
    expect(predicted).toEqual(test.labels);
  });

  it("refuses to train on no faces", async () => {
    await expect(trainJudgeLayer(new Float32Array(), [], 3)).rejects.toThrow(/labelled faces/);
  });
});

describe("a detector with a mask judge", () => {
  const SIZE = 64;
  const options = { inputSize: SIZE, numClasses: 3, width: "n", seed: 5 } as const;
  const image = (seed: number): RgbImage => {
    const random = new SeededRandom(seed);
    return { data: Uint8Array.from({ length: 96 * 80 * 3 }, () => random.int(0, 255)), width: 96, height: 80 };
  };

  it("reads crops through the detector's own backbone", () => {
    const model = DETECTOR_FAMILIES.one_stage.recipe.buildTrainable(options, {});
    const judgeBackbone = judgeFeatureModel(32, model);
    for (const layer of judgeBackbone.layers.filter((l) => l.name.startsWith("backbone_") && l.getWeights().length > 0)) {
      const [ours, theirs] = [layer.getWeights()[0]!, model.getLayer(layer.name).getWeights()[0]!];
      expect(Array.from(ours.dataSync())).toEqual(Array.from(theirs.dataSync()));
    }
    const pixels = tf.tensor3d(image(1).data, [80, 96, 3], "int32");
    const features = cropFeatures(judgeBackbone, pixels, [{ xmin: 10, ymin: 10, xmax: 40, ymax: 50 }, { xmin: 60, ymin: 5, xmax: 90, ymax: 30 }], { cropSize: 32, margin: 0.1 });
    expect(features.shape).toEqual([2, 512 + 1024]);
    tf.dispose([pixels, features]);
    judgeBackbone.dispose();
    model.dispose();
  });

  it("with mirrored views judges a face and its mirror image alike; one view does not", async () => {
    // The face-trained weights: a backbone from scratch gives every crop the same (zero) features.
    const judgeBackbone = judgeFeatureModel(32, await loadFaceSsdMobileNetWeights());
    const random = new SeededRandom(9);
    // Small weights: probabilities well inside (0, 1), so a difference between views shows.
    const layer = { weights: Array.from({ length: 1536 * 3 }, () => (random.next() - 0.5) * 1e-2), bias: [0, 0, 0] };
    const pixels = tf.tensor3d(image(3).data, [80, 96, 3], "int32");
    const mirroredPixels = tf.reverse(pixels, 1) as tf.Tensor3D;
    const box = { xmin: 10, ymin: 10, xmax: 40, ymax: 50 };
    const mirroredBox = { xmin: 96 - 40, ymin: 10, xmax: 96 - 10, ymax: 50 };
    for (const mirrored of [true, false]) {
      const judge: MaskJudge = { cropSize: 32, margin: 0.1, minFaceScore: 0, mirrored, scoring: "product", background: false, ...layer };
      const here = await judgeFaces(judgeBackbone, pixels, [box], judge, 3);
      const there = await judgeFaces(judgeBackbone, mirroredPixels, [mirroredBox], judge, 3);
      expect(here.reduce((a, b) => a + b)).toBeCloseTo(1, 5);
      expect(Math.max(...here)).toBeLessThan(0.9);
      const largestGap = Math.max(...Array.from(here, (p, i) => Math.abs(p - there[i]!)));
      if (mirrored) expect(largestGap).toBeLessThan(1e-5);
      else expect(largestGap).toBeGreaterThan(1e-4);
    }
    tf.dispose([pixels, mirroredPixels]);
    judgeBackbone.dispose();
  });

  it("gives every face the judge's class, scored face × p(class), and keeps its judge through the artifact", async () => {
    const model = DETECTOR_FAMILIES.one_stage.recipe.buildTrainable(options, {});
    // A judge sure of one thing: every face is without_mask (p = e⁵ / (e⁵ + 2)).
    const judge: MaskJudge = { cropSize: 32, margin: 0.1, minFaceScore: 0, weights: new Array(1536 * 3).fill(0), bias: [0, 5, 0], mirrored: true, scoring: "product", background: false };
    const metadata = { ...detectorMetadata("one_stage", { width: "n", backbone: "scratch", classes: CLASSES, inputSize: SIZE }), judge };
    const { model: loaded, metadata: read } = await modelFromFiles(await modelToFiles(model, modelMetadataSchema.parse(metadata)));
    expect(read.judge).toEqual(judge);
    const plain = DETECTOR_FAMILIES.one_stage.detector(model, { ...metadata, judge: undefined });
    const judged = DETECTOR_FAMILIES.one_stage.detector(loaded, read);
    const keepAll = { scoreThreshold: 0, maxDetections: 20 };
    const [faces] = await plain.detect([image(2)], { ...keepAll, faces: true });
    const [detections] = await judged.detect([image(2)], keepAll);
    expect(faces!.length).toBeGreaterThan(0);
    const p = Math.exp(5) / (Math.exp(5) + 2);
    expect(detections!.map((d) => d.className)).toEqual(faces!.map(() => "without_mask"));
    detections!.forEach((d, i) => {
      expect(d.box).toEqual(faces![i]!.box);
      expect(d.score).toBeCloseTo(faces![i]!.score * p, 4);
    });
    // Multi-label: every face under each class, scored face × p(class) (the 84 locations of a 64 px input fit in 300).
    const [multi] = await judged.detect([image(2)], { ...keepAll, multiLabel: true, maxDetections: 300 });
    const [allFaces] = await plain.detect([image(2)], { ...keepAll, faces: true, maxDetections: 300 });
    expect(multi).toHaveLength(3 * allFaces!.length);
    expect(multi!.filter((d) => d.className === "with_mask").map((d) => d.score)).toEqual(expect.arrayContaining([expect.closeTo(allFaces![0]!.score / (Math.exp(5) + 2), 5)]));
    plain.dispose();
    judged.dispose();
  });

  it("geometric-mean scoring: serving at a threshold keeps exactly the judged faces that evaluation counts at it", async () => {
    const model = DETECTOR_FAMILIES.one_stage.recipe.buildTrainable(options, {});
    // Untrained heads score every location alike: seeded noise on every weight spreads the face scores.
    const random = new SeededRandom(11);
    for (const layer of model.layers) layer.setWeights(layer.getWeights().map((w) => tf.tidy(() => tf.add(w, tf.tensor(Array.from({ length: w.size }, () => random.range(-0.1, 0.1)), w.shape)))));
    const judge: MaskJudge = { cropSize: 32, margin: 0.1, minFaceScore: 0, weights: new Array(1536 * 3).fill(0), bias: [0, 5, 0], mirrored: false, scoring: "geometric-mean", background: false };
    const metadata = modelMetadataSchema.parse({ ...detectorMetadata("one_stage", { width: "n", backbone: "scratch", classes: CLASSES, inputSize: SIZE }), judge });
    const judged = DETECTOR_FAMILIES.one_stage.detector(model, metadata);
    const [evaluated] = await judged.detect([image(3)], { scoreThreshold: 0, maxDetections: 300, multiLabel: true });
    const likeliest = evaluated!.filter((d) => d.className === "without_mask").map((d) => d.score);
    // A threshold among the judged scores, so that some faces pass and some do not.
    const distinct = [...new Set(likeliest)].sort((a, b) => b - a);
    expect(distinct.length).toBeGreaterThan(2);
    const threshold = distinct[Math.floor(distinct.length / 2)]!;
    const [served] = await judged.detect([image(3)], { scoreThreshold: threshold, maxDetections: 300 });
    expect(served!.length).toBeGreaterThan(0);
    expect(served!.length).toBeLessThan(likeliest.length);
    expect(served!.map((d) => d.score)).toEqual(likeliest.filter((score) => score >= threshold));
    // Below the threshold's face score no face could reach it: √(face × p) ≤ √face.
    expect(served!.every((d) => d.score >= threshold && d.className === "without_mask")).toBe(true);
    judged.dispose();
  });

  it("judges each face once: boxes overlapping a stronger face by its faceIou are dropped before judging, whatever the caller's NMS overlap", async () => {
    const model = DETECTOR_FAMILIES.one_stage.recipe.buildTrainable(options, {});
    const random = new SeededRandom(11);
    for (const layer of model.layers) layer.setWeights(layer.getWeights().map((w) => tf.tidy(() => tf.add(w, tf.tensor(Array.from({ length: w.size }, () => random.range(-0.1, 0.1)), w.shape)))));
    const judge: MaskJudge = { cropSize: 32, margin: 0.1, minFaceScore: 0, weights: new Array(1536 * 3).fill(0), bias: [0, 5, 0], mirrored: false, scoring: "product", background: false, faceIou: 0.3 };
    const metadata = modelMetadataSchema.parse({ ...detectorMetadata("one_stage", { width: "n", backbone: "scratch", classes: CLASSES, inputSize: SIZE }), judge });
    const { model: loaded, metadata: read } = await modelFromFiles(await modelToFiles(model, metadata));
    expect(read.judge!.faceIou).toBe(0.3);
    const plain = DETECTOR_FAMILIES.one_stage.detector(model, { ...metadata, judge: undefined });
    const judged = DETECTOR_FAMILIES.one_stage.detector(loaded, read);
    const keepAll = { scoreThreshold: 0, maxDetections: 300, iouThreshold: 0.6 };
    const [atDetectorsOverlap] = await plain.detect([image(3)], { ...keepAll, faces: true });
    const [atJudgesOverlap] = await plain.detect([image(3)], { ...keepAll, faces: true, iouThreshold: 0.3 });
    expect(atJudgesOverlap!.length).toBeLessThan(atDetectorsOverlap!.length);
    const [detections] = await judged.detect([image(3)], keepAll);
    expect(detections!.map((d) => d.box)).toEqual(atJudgesOverlap!.map((d) => d.box));
    // A judge without the field (older models) keeps the caller's overlap.
    const older = DETECTOR_FAMILIES.one_stage.detector(model, { ...metadata, judge: { ...judge, faceIou: undefined } });
    expect((await older.detect([image(3)], keepAll))[0]!.map((d) => d.box)).toEqual(atDetectorsOverlap!.map((d) => d.box));
    plain.dispose();
    judged.dispose();
  });

  it("with a not-a-face column, scores each face by its chance of being a face of the class, and needs that column", async () => {
    const model = DETECTOR_FAMILIES.one_stage.recipe.buildTrainable(options, {});
    // Sure that a find is not without_mask's face or not a face, one as likely as the other: p(without_mask) = e⁵ / (2e⁵ + 2).
    const judge: MaskJudge = { cropSize: 32, margin: 0.1, minFaceScore: 0, weights: new Array(1536 * 4).fill(0), bias: [0, 5, 0, 5], mirrored: false, scoring: "product", background: true };
    const metadata = modelMetadataSchema.parse({ ...detectorMetadata("one_stage", { width: "n", backbone: "scratch", classes: CLASSES, inputSize: SIZE }), judge });
    expect(modelMetadataSchema.safeParse({ ...metadata, judge: { ...judge, background: false } }).success).toBe(false);
    const plain = DETECTOR_FAMILIES.one_stage.detector(model, { ...metadata, judge: undefined });
    const judged = DETECTOR_FAMILIES.one_stage.detector(model, metadata);
    const keepAll = { scoreThreshold: 0, maxDetections: 20 };
    const [faces] = await plain.detect([image(4)], { ...keepAll, faces: true });
    const [detections] = await judged.detect([image(4)], keepAll);
    const p = Math.exp(5) / (2 * Math.exp(5) + 2);
    expect(detections!.length).toBe(faces!.length);
    detections!.forEach((d, i) => {
      expect(d.className).toBe("without_mask");
      expect(d.score).toBeCloseTo(faces![i]!.score * p, 4);
    });
    judged.dispose();
  });

  it("refuses a judge whose layer does not match the classes", () => {
    const metadata = { ...detectorMetadata("one_stage", { width: "n", backbone: "scratch", classes: CLASSES, inputSize: SIZE }), judge: { cropSize: 32, margin: 0.1, minFaceScore: 0, weights: [1, 2, 3, 4], bias: [0, 0], mirrored: false } };
    expect(modelMetadataSchema.safeParse(metadata).success).toBe(false);
  });
});
