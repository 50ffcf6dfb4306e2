import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import * as tf from "@tensorflow/tfjs";
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { modelToFiles } from "@/lib/detection/artifact";
import { DETECTOR_FAMILIES, detectorMetadata } from "@/lib/detection/families";
import { useNodeBackend } from "@/lib/detection/tf/node-backend";
import { SeededRandom } from "@/lib/domain/random";
import { LocalBlobStore } from "../platform/storage";
import { detectImagesOnThreads, detectImagesOnThreadsEachWay, detectOnThreads } from "./detect-threads";
import { detectImages, detectImagesEachWay, EVALUATION_POSTPROCESS, FACES_POSTPROCESS } from "./evaluate-split";
import type { TrainingImage } from "./training-data";

const CLASSES = ["with_mask", "without_mask", "mask_weared_incorrect"];
let dir: string;

beforeAll(async () => {
  await useNodeBackend("wasm");
  dir = await mkdtemp(path.join(os.tmpdir(), "masklab-detect-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("detecting on detection threads", () => {
  const image = async (store: LocalBlobStore, seed: number): Promise<TrainingImage> => {
    const random = new SeededRandom(seed);
    const [width, height] = [80 + 8 * (seed % 3), 64];
    const contentHash = await store.put(await sharp(Buffer.from(Array.from({ length: width * height * 3 }, () => random.int(0, 255))), { raw: { width, height, channels: 3 } }).png().toBuffer());
    return { imageId: `i${seed}`, fileName: `i${seed}.png`, contentHash, width, height, annotationVersion: 1, boxes: [] };
  };

  it("gives every image, in order, what the detector gives in process, and names a photo it cannot decode", async () => {
    const store = new LocalBlobStore(dir);
    const images = await Promise.all([1, 2, 3, 4, 5].map((seed) => image(store, seed)));
    const metadata = detectorMetadata("one_stage", { width: "n", backbone: "scratch", classes: CLASSES, inputSize: 64 });
    const model = DETECTOR_FAMILIES.one_stage.recipe.buildTrainable({ inputSize: 64, numClasses: 3, width: "n", seed: 5 }, {});
    // Class scores around 0.08 instead of the prior's 0.01, so that there is something to compare.
    const head = model.layers.find((l) => l.name.endsWith("_head")) as tf.LayersModel;
    for (const layer of head.layers.filter((l) => l.name.startsWith("head_cls_out_"))) {
      const [kernel, bias] = layer.getWeights();
      layer.setWeights([kernel!, tf.fill(bias!.shape, -2.5)]);
    }
    const detector = DETECTOR_FAMILIES.one_stage.detector(model, metadata);
    try {
      const inProcess = await detectImages(detector, store, images);
      const files = await modelToFiles(model, metadata);
      const threaded = await detectImagesOnThreads(files, 2, store, images);
      expect(threaded.map((o) => o.image.fileName)).toEqual(images.map((i) => i.fileName));
      expect(inProcess.every((o) => o.detections.length > 0)).toBe(true);
      threaded.forEach((output, i) => {
        const expected = inProcess[i]!.detections;
        expect(output.detections.map((d) => d.classIndex)).toEqual(expected.map((d) => d.classIndex));
        output.detections.forEach((d, k) => {
          expect(d.score).toBeCloseTo(expected[k]!.score, 5);
          for (const side of ["xmin", "ymin", "xmax", "ymax"] as const) expect(d.box[side]).toBeCloseTo(expected[k]!.box[side], 3);
        });
      });
      // One thread asked for: in process, the same detections.
      expect(await detectOnThreads(model, metadata, 1, store, images)).toEqual(inProcess);
      expect(await detectImagesOnThreads(files, 2, store, [])).toEqual([]);
      // Each way from one forward pass a photo (the size choice's own classes and faces): what a pass per way gives.
      const faces = await detectImages(detector, store, images, FACES_POSTPROCESS);
      expect(faces).not.toEqual(inProcess);
      expect(await detectImagesEachWay(detector, store, images, [EVALUATION_POSTPROCESS, FACES_POSTPROCESS])).toEqual([inProcess, faces]);
      expect(await detectImagesOnThreadsEachWay(files, 2, store, images, [EVALUATION_POSTPROCESS, FACES_POSTPROCESS])).toEqual([threaded, await detectImagesOnThreads(files, 2, store, images, FACES_POSTPROCESS)]);
      expect(await detectImagesOnThreadsEachWay(files, 2, store, [], [EVALUATION_POSTPROCESS, FACES_POSTPROCESS])).toEqual([[], []]);

      const broken = { ...images[0]!, fileName: "broken.png", contentHash: await store.put(Buffer.from("not an image")) };
      await expect(detectImagesOnThreads(files, 2, store, [images[1]!, broken])).rejects.toThrow(/detecting broken\.png: /);
    } finally {
      detector.dispose();
    }
  }, 120_000);
});
