import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DETECTOR_FAMILIES, detectorMetadata } from "@/lib/detection/families";
import { judgeFeatureModel } from "@/lib/detection/judge/mask-judge";
import { useNodeBackend } from "@/lib/detection/tf/node-backend";
import { SeededRandom } from "@/lib/domain/random";
import { LocalBlobStore } from "../platform/storage";
import { faceCropFeatures, JUDGE_RECIPE } from "./judge-training";
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
    const finder = { detector: DETECTOR_FAMILIES.one_stage.detector(model, detectorMetadata("one_stage", { width: "n", backbone: "scratch", classes: CLASSES, inputSize: 64 })), numClasses: 3 };
    const featureModel = judgeFeatureModel(JUDGE_RECIPE.cropSize, model);
    try {
      const all = await faceCropFeatures(featureModel, store, images, 1, finder);
      expect(all.imagesRead).toBe(4);
      const late = await faceCropFeatures(featureModel, store, images, 1, finder, undefined, Date.now() - 1);
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
