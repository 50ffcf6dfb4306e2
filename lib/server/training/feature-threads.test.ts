import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import sharp from "sharp";
import * as tf from "@tensorflow/tfjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { faceMobileNetV1 } from "@/lib/detection/backbones/face-mobilenet-v1";
import { useNodeBackend } from "@/lib/detection/tf/node-backend";
import { SeededRandom } from "@/lib/domain/random";
import { LocalBlobStore } from "../platform/storage";
import { cacheFeatures, type CachedSample } from "./feature-cache";
import { cacheFeaturesInThreads, trainingThreads } from "./feature-threads";
import { loadFaceSsdMobileNetWeights } from "./pretrained-weights";
import type { TrainingImage } from "./training-data";

const SIZE = 128;
let dir: string;
let store: LocalBlobStore;
const images: TrainingImage[] = [];

async function noiseJpeg(seed: number, width: number, height: number): Promise<Buffer> {
  const random = new SeededRandom(seed);
  return sharp(Buffer.from(Array.from({ length: width * height * 3 }, () => random.int(0, 255))), { raw: { width, height, channels: 3 } }).jpeg().toBuffer();
}

beforeAll(async () => {
  await useNodeBackend("wasm");
  dir = await mkdtemp(path.join(os.tmpdir(), "masklab-feature-threads-"));
  store = new LocalBlobStore(dir);
  for (const [i, [width, height]] of [[160, 120], [90, 140], [128, 128]].entries()) {
    images.push({ imageId: `i${i}`, fileName: `i${i}.jpg`, contentHash: await store.put(await noiseJpeg(i, width!, height!)), width: width!, height: height!, annotationVersion: 1, boxes: [{ box: { xmin: 10, ymin: 12, xmax: 40, ymax: 50 }, classIndex: i % 3, difficult: false }] });
  }
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

describe("backbone features on worker threads", () => {
  it("gives, in request order, byte for byte what in-process caching gives, whatever the thread count", async () => {
    const requests = images.flatMap((image) => [{ image, flip: false }, { image, flip: true }]);
    const input = tf.input({ shape: [SIZE, SIZE, 3] });
    const backbone = tf.model({ inputs: input, outputs: faceMobileNetV1(input, await loadFaceSsdMobileNetWeights()) });
    const inProcess: CachedSample[] = [];
    for (const r of requests) inProcess.push(await cacheFeatures(backbone, store, r.image, SIZE, r.flip ? "flipped" : "plain"));
    backbone.dispose();
    const progress: number[] = [];
    const twoThreads = await cacheFeaturesInThreads(store, requests, SIZE, 2, async (done) => void progress.push(done));
    const oneThread = await cacheFeaturesInThreads(store, requests, SIZE, 1);
    expect(progress).toEqual([1, 2, 3, 4, 5, 6]);
    for (const threaded of [twoThreads, oneThread]) {
      expect(threaded.map((s) => s.image.imageId)).toEqual(requests.map((r) => r.image.imageId));
      threaded.forEach((sample, i) => {
        expect(sample.letterbox).toEqual(inProcess[i]!.letterbox);
        expect(sample.truths).toEqual(inProcess[i]!.truths);
        expect(sample.features.map((f) => Buffer.from(f).toString("base64"))).toEqual(inProcess[i]!.features.map((f) => Buffer.from(f).toString("base64")));
      });
    }
    // The mirrored input is not the plain one.
    expect(Buffer.compare(Buffer.from(twoThreads[0]!.features[0]!), Buffer.from(twoThreads[1]!.features[0]!))).not.toBe(0);
  }, 120_000);

  it("names the image whose file cannot be decoded", async () => {
    const broken = { ...images[0]!, fileName: "broken.jpg", contentHash: await store.put(Buffer.from("not an image")) };
    await expect(cacheFeaturesInThreads(store, [{ image: images[1]!, flip: false }, { image: broken, flip: false }], SIZE, 2)).rejects.toThrow(/features of broken\.jpg: /);
  }, 60_000);

  it("uses TRAINING_THREADS when it is a whole number, else every core", () => {
    expect(trainingThreads({ TRAINING_THREADS: "3" })).toBe(3);
    expect(trainingThreads({ TRAINING_THREADS: "zero" })).toBe(os.availableParallelism());
    expect(trainingThreads({})).toBe(os.availableParallelism());
  });
});
