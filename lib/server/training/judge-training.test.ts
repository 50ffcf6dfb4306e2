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
import { modelToFiles } from "@/lib/detection/artifact";
import { faceCropFeatures, inProcessReader, judgeFloor, judgingFloor, JUDGE_FLOOR_PROBE, JUDGE_FLOORS, JUDGE_RECIPE, type FloorProbe, type JudgingPace, type PhotoReader } from "./judge-training";
import { withJudgeThreads } from "./judge-threads";
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
  const photo = async (store: LocalBlobStore, seed: number) => {
    const random = new SeededRandom(seed);
    return store.put(await sharp(Buffer.from(Array.from({ length: 96 * 80 * 3 }, () => random.int(0, 255))), { raw: { width: 96, height: 80, channels: 3 } }).png().toBuffer());
  };
  const image = async (store: LocalBlobStore, seed: number, faces: number): Promise<TrainingImage> => ({
    imageId: `i${seed}`, fileName: `i${seed}.png`, contentHash: await photo(store, seed), width: 96, height: 80, annotationVersion: 1,
    boxes: Array.from({ length: faces }, (_, i) => ({ box: { xmin: 10 + 30 * i, ymin: 10, xmax: 35 + 30 * i, ymax: 45 }, classIndex: i % 3, difficult: false })),
  });
  const metadata = detectorMetadata("one_stage", { width: "n", backbone: "scratch", classes: CLASSES, inputSize: 64 });
  /** An untrained one-stage detector whose class scores sit around the judge's face floor instead of the prior's 0.01, so that it finds faces to judge. */
  const findingModel = () => {
    const model = DETECTOR_FAMILIES.one_stage.recipe.buildTrainable({ inputSize: 64, numClasses: 3, width: "n", seed: 5 }, {});
    const head = model.layers.find((l) => l.name.endsWith("_head")) as tf.LayersModel;
    for (const layer of head.layers.filter((l) => l.name.startsWith("head_cls_out_"))) {
      const [kernel, bias] = layer.getWeights();
      layer.setWeights([kernel!, tf.fill(bias!.shape, -2.5)]);
    }
    return model;
  };

  it("reads every image, or with the job's time gone only until it has a labelled face, and says how many it read", async () => {
    const store = new LocalBlobStore(dir);
    // A background photo first: out of time, the judge still reads on to its first labelled face.
    const images = [await image(store, 1, 0), await image(store, 2, 2), await image(store, 3, 1), await image(store, 4, 2)];
    const model = findingModel();
    const finder = DETECTOR_FAMILIES.one_stage.detector(model, metadata);
    const featureModel = judgeFeatureModel(JUDGE_RECIPE.cropSize, model);
    const readers = [inProcessReader({ featureModel, finder, numClasses: 3 })];
    try {
      const paces: JudgingPace[] = [];
      const all = await faceCropFeatures(readers, store, images, 1, { readUntil: (pace) => (paces.push(pace), Infinity) });
      expect(all.imagesRead).toBe(4);
      // The pace it plans by: the faces the judge would judge in the photos read so far (the
      // detector's finds at its floor, up to evaluation's 100) and the seconds a crop took.
      const facesFound = await Promise.all(images.map(async (image) => (await finder.detect([await decodeImageRgb(await store.get(image.contentHash))], { faces: true, scoreThreshold: JUDGE_RECIPE.minFaceScore, maxDetections: 100 }))[0]!.length));
      // Asked before each photo once a labelled face is read: before photos 3 and 4.
      expect(paces.map((p) => p.facesPerImage)).toEqual([2, 3].map((read) => facesFound.slice(0, read).reduce((a, b) => a + b, 0) / read));
      expect(all.pace.facesPerImage).toBeCloseTo(facesFound.reduce((a, b) => a + b, 0) / 4, 9);
      expect(all.pace.secondsPerCrop).toBeGreaterThan(0);
      const late = await faceCropFeatures(readers, store, images, 1, { readUntil: () => Date.now() - 1 });
      expect(late.imagesRead).toBe(2);
      // The second image's two faces, plain, mirrored and jittered, besides any finds.
      expect(late.labels.filter((l) => l < 3).length).toBeGreaterThanOrEqual(6);
      expect(late.labels.length).toBeLessThan(all.labels.length);
    } finally {
      featureModel.dispose();
      finder.dispose();
    }
  }, 120_000);

  it("reads on judge threads, in the images' order, byte for byte what it reads in process, and names a photo it cannot decode", async () => {
    const store = new LocalBlobStore(dir);
    const images = await Promise.all([[11, 2], [12, 0], [13, 3], [14, 1], [15, 2]].map(([seed, faces]) => image(store, seed!, faces!)));
    const model = findingModel();
    const finder = DETECTOR_FAMILIES.one_stage.detector(model, metadata);
    const featureModel = judgeFeatureModel(JUDGE_RECIPE.cropSize, model);
    try {
      const inProcess = await faceCropFeatures([inProcessReader({ featureModel, finder, numClasses: 3 })], store, images, 7);
      const progress: number[] = [];
      const files = await modelToFiles(model, metadata);
      const threaded = await withJudgeThreads(files, 2, (readers) => faceCropFeatures(readers, store, images, 7, { progress: async (done) => void progress.push(done) }));
      expect(progress).toEqual([1, 2, 3, 4, 5]);
      expect(threaded.imagesRead).toBe(5);
      expect(threaded.labels).toEqual(inProcess.labels);
      // Labelled faces (three views each) and the detector's finds, true and false.
      expect(inProcess.labels.filter((l) => l < 3).length).toBeGreaterThanOrEqual(3 * 8);
      expect(inProcess.falseFinds).toBeGreaterThan(0);
      expect([threaded.finds, threaded.falseFinds]).toEqual([inProcess.finds, inProcess.falseFinds]);
      expect(threaded.features.length).toBe(inProcess.features.length);
      expect(Buffer.from(threaded.features.buffer).equals(Buffer.from(inProcess.features.buffer))).toBe(true);
      expect(threaded.pace.facesPerImage).toBe(inProcess.pace.facesPerImage);
      // Another seed jitters the faces elsewhere.
      const reseeded = await faceCropFeatures([inProcessReader({ featureModel, finder, numClasses: 3 })], store, images, 8);
      expect(Buffer.from(reseeded.features.buffer).equals(Buffer.from(inProcess.features.buffer))).toBe(false);

      const broken = { ...images[0]!, fileName: "broken.png", contentHash: await store.put(Buffer.from("not an image")) };
      await expect(withJudgeThreads(files, 2, (readers) => faceCropFeatures(readers, store, [images[1]!, broken], 7))).rejects.toThrow(/the judge's reading of broken\.png: /);
      await expect(faceCropFeatures([inProcessReader({ featureModel, finder, numClasses: 3 })], store, [broken], 7)).rejects.toThrow(/the judge's reading of broken\.png: /);
    } finally {
      featureModel.dispose();
      finder.dispose();
    }
  }, 180_000);

  it("reads the first photos from the base floor, then from the floor chosen on what they found, and judges from it", async () => {
    const store = new LocalBlobStore(dir);
    const images = await Promise.all(Array.from({ length: JUDGE_FLOOR_PROBE + 2 }, (_, i) => image(store, 20 + i, i % 3)));
    const model = findingModel();
    const finder = DETECTOR_FAMILIES.one_stage.detector(model, metadata);
    const featureModel = judgeFeatureModel(JUDGE_RECIPE.cropSize, model);
    const inProcess = inProcessReader({ featureModel, finder, numClasses: 3 });
    const floorsRead: number[] = [];
    const reader: PhotoReader = (bytes, photo, seed, floor) => (floorsRead.push(floor), inProcess(bytes, photo, seed, floor));
    try {
      const base = await faceCropFeatures([inProcess], store, images, 3);
      expect(base.minFaceScore).toBe(JUDGE_RECIPE.minFaceScore);
      let probe: FloorProbe | undefined;
      let photosLeft = -1;
      const raised = await faceCropFeatures([reader], store, images, 3, { chooseFloor: (p) => ((probe = p), (photosLeft = p.photosLeft), 0.3) });
      expect(floorsRead).toEqual([...Array(JUDGE_FLOOR_PROBE).fill(JUDGE_RECIPE.minFaceScore), 0.3, 0.3]);
      expect(photosLeft).toBe(2);
      expect(raised.minFaceScore).toBe(0.3);
      // The two photos read from 0.3 teach only finds from 0.3 (each read plain and mirrored): the labelled faces' crops stay.
      expect(raised.finds).toBeLessThanOrEqual(base.finds);
      expect(raised.labels.length - 2 * raised.finds).toBe(base.labels.length - 2 * base.finds);
      // A higher floor judges fewer faces and reads faster, never more.
      expect(probe!.paceAt(0.3).facesPerImage).toBeLessThan(probe!.paceAt(JUDGE_RECIPE.minFaceScore).facesPerImage);
      expect(probe!.cropsPerPhotoAt(0.3)).toBeLessThan(probe!.cropsPerPhotoAt(JUDGE_RECIPE.minFaceScore));
      expect(probe!.readingSecondsAt(0.3)).toBeLessThan(probe!.readingSecondsAt(JUDGE_RECIPE.minFaceScore));
      expect(probe!.readingSecondsAt(0.3)).toBeGreaterThan(0);
      // Every photo still says which faces it would give the judge from the base floor, so the floor judged from can be lower than the one read from.
      expect(raised.paceAt(JUDGE_RECIPE.minFaceScore).facesPerImage).toBe(base.pace.facesPerImage);
      expect(raised.pace.facesPerImage).toBe(raised.paceAt(0.3).facesPerImage);
      expect(raised.paceAt(0.3).facesPerImage).toBeLessThan(base.pace.facesPerImage);
    } finally {
      featureModel.dispose();
      finder.dispose();
    }
  }, 180_000);
});

describe("the face floors a job learns finds from and judges from", () => {
  /** A detector whose finds thin out as the floor rises: 40 faces a photo at the base floor, 4 at 0.3. */
  const probe: FloorProbe = {
    paceAt: (floor) => ({ secondsPerCrop: 0.05, facesPerImage: 40 * Math.pow(0.1, (floor - 0.05) / 0.25) }),
    readingSecondsAt: (floor) => 1 + 0.1 * 40 * Math.pow(0.1, (floor - 0.05) / 0.25),
    cropsPerPhotoAt: (floor) => 12 + 2 * 40 * Math.pow(0.1, (floor - 0.05) / 0.25),
    photosLeft: 100,
  };
  const plan = (secondsLeft: number) => ({ threads: 2, secondsLeft, photosRead: 8, secondsAfterReading: (pace: JudgingPace) => 100 * (0.5 + 2 * pace.facesPerImage * pace.secondsPerCrop) });
  const planned = (floor: number, threads = 2) =>
    (100 * probe.readingSecondsAt(floor)) / threads + 0.008 * 108 * probe.cropsPerPhotoAt(floor) + plan(0).secondsAfterReading(probe.paceAt(floor));

  it("keeps the base floor when its faces fit the time left, and raises it to the lowest that fits when they do not", () => {
    expect(judgeFloor(probe, plan(planned(JUDGE_FLOORS[0]) + 1))).toBe(JUDGE_FLOORS[0]);
    expect(judgeFloor(probe, plan(planned(JUDGE_FLOORS[0]) - 1))).toBe(JUDGE_FLOORS[1]);
    expect(judgeFloor(probe, plan(planned(0.2) + 1))).toBe(0.2);
    expect(judgeFloor(probe, plan(planned(0.2) - 1))).toBe(0.3);
    // Nothing fits: the highest floor, and the reading stops in time.
    expect(judgeFloor(probe, plan(10))).toBe(JUDGE_FLOORS.at(-1));
    // More threads read faster: a floor that did not fit on 2 fits on 8.
    const onEight = { ...plan(planned(JUDGE_FLOORS[0], 8) + 1), threads: 8 };
    expect(judgeFloor(probe, plan(planned(JUDGE_FLOORS[0], 8) + 1))).toBeGreaterThan(JUDGE_FLOORS[0]);
    expect(judgeFloor(probe, onEight)).toBe(JUDGE_FLOORS[0]);
  });

  it("judges from the lowest floor whose faces can be judged in the time the reading left, whatever floor the finds were learnt from", () => {
    const after = plan(0).secondsAfterReading;
    const judgingIn = (secondsLeft: number) => judgingFloor(probe.paceAt, { secondsLeft, secondsAfterReading: after });
    expect(judgingIn(after(probe.paceAt(JUDGE_FLOORS[0])) + 1)).toBe(JUDGE_FLOORS[0]);
    expect(judgingIn(after(probe.paceAt(JUDGE_FLOORS[0])) - 1)).toBe(JUDGE_FLOORS[1]);
    expect(judgingIn(after(probe.paceAt(0.2)))).toBe(0.2);
    expect(judgingIn(1)).toBe(JUDGE_FLOORS.at(-1));
  });
});

