import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import * as tf from "@tensorflow/tfjs";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DETECTOR_FAMILIES, detectorMetadata } from "@/lib/detection/families";
import { judgeFeatureModel } from "@/lib/detection/judge/mask-judge";
import { useNodeBackend } from "@/lib/detection/tf/node-backend";
import { SeededRandom } from "@/lib/domain/random";
import { LocalBlobStore } from "../platform/storage";
import { decodeImageRgb } from "../images/decode";
import { faceCropFeatures, JUDGE_RECIPE, type JudgingPace } from "./judge-training";
import type { TrainingImage } from "./training-data";

const CLASSES = ["with_mask", "without_mask", "mask_weared_incorrect"];
let dir: string;

beforeAll(async () => {
  await useNodeBackend("wasm");
  dir = await mkdtemp(path.join(os.tmpdir(), "masklab-judge-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("the judge's reading of the training images", () => {
  it("reads every image, or with the job's time gone only until it has a labelled face, and says how many it read", async () => {
    const store = new LocalBlobStore(dir);
    const photo = async (seed: number) => {
      const random = new SeededRandom(seed);
      return store.put(await sharp(Buffer.from(Array.from({ length: 96 * 80 * 3 }, () => random.int(0, 255))), { raw: { width: 96, height: 80, channels: 3 } }).png().toBuffer());
    };
    const image = async (seed: number, faces: number): Promise<TrainingImage> => ({
      imageId: `i${seed}`, fileName: `i${seed}.png`, contentHash: await photo(seed), width: 96, height: 80, annotationVersion: 1,
      boxes: Array.from({ length: faces }, (_, i) => ({ box: { xmin: 10 + 30 * i, ymin: 10, xmax: 35 + 30 * i, ymax: 45 }, classIndex: i % 3, difficult: false })),
    });
    // A background photo first: out of time, the judge still reads on to its first labelled face.
    const images = [await image(1, 0), await image(2, 2), await image(3, 1), await image(4, 2)];
    const model = DETECTOR_FAMILIES.one_stage.recipe.buildTrainable({ inputSize: 64, numClasses: 3, width: "n", seed: 5 }, {});
    // Class scores around the judge's face floor instead of the untrained prior's 0.01, so that the detector finds faces to judge.
    const head = model.layers.find((l) => l.name.endsWith("_head")) as tf.LayersModel;
    for (const layer of head.layers.filter((l) => l.name.startsWith("head_cls_out_"))) {
      const [kernel, bias] = layer.getWeights();
      layer.setWeights([kernel!, tf.fill(bias!.shape, -2.5)]);
    }
    const finder = { detector: DETECTOR_FAMILIES.one_stage.detector(model, detectorMetadata("one_stage", { width: "n", backbone: "scratch", classes: CLASSES, inputSize: 64 })), numClasses: 3 };
    const featureModel = judgeFeatureModel(JUDGE_RECIPE.cropSize, model);
    try {
      const paces: JudgingPace[] = [];
      const all = await faceCropFeatures(featureModel, store, images, 1, finder, { readUntil: (pace) => (paces.push(pace), Infinity) });
      expect(all.imagesRead).toBe(4);
      // The pace it plans by: the faces the judge would judge in the photos read so far (the
      // detector's finds at its floor, up to evaluation's 100) and the seconds a crop took.
      const facesFound = await Promise.all(images.map(async (image) => (await finder.detector.detect([await decodeImageRgb(await store.get(image.contentHash))], { faces: true, scoreThreshold: JUDGE_RECIPE.minFaceScore, maxDetections: 100 }))[0]!.length));
      // Asked before each photo once a labelled face is read: before photos 3 and 4.
      expect(paces.map((p) => p.facesPerImage)).toEqual([2, 3].map((read) => facesFound.slice(0, read).reduce((a, b) => a + b, 0) / read));
      expect(all.pace.facesPerImage).toBeCloseTo(facesFound.reduce((a, b) => a + b, 0) / 4, 9);
      expect(all.pace.secondsPerCrop).toBeGreaterThan(0);
      const late = await faceCropFeatures(featureModel, store, images, 1, finder, { readUntil: () => Date.now() - 1 });
      expect(late.imagesRead).toBe(2);
      // The second image's two faces, plain, mirrored and jittered, besides any finds.
      expect(late.labels.filter((l) => l < 3).length).toBeGreaterThanOrEqual(6);
      expect(late.labels.length).toBeLessThan(all.labels.length);
    } finally {
      featureModel.dispose();
      finder.detector.dispose();
    }
  }, 120_000);
});
