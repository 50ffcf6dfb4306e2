import { beforeAll, describe, expect, it } from "vitest";
import { SeededRandom } from "@/lib/domain/random";
import { DETECTOR_FAMILY_IDS } from "@/lib/domain/detector-families";
import { DETECTOR_FAMILIES, detectorMetadata } from "@/lib/detection/families";
import { useNodeBackend } from "@/lib/detection/tf/node-backend";
import { DETECTION_SIZE_TOLERANCE, detectionSizeCandidates, modelAtSize, pickDetectionSize } from "./detection-size";

const CLASSES = ["with_mask", "without_mask", "mask_weared_incorrect"];

beforeAll(async () => {
  await useNodeBackend("wasm");
});

describe("detection size candidates", () => {
  it("are the training size and its 1.5× and 2× rounded to the coarsest stride, smallest first", () => {
    expect(detectionSizeCandidates(416)).toEqual([416, 640, 832]);
    expect(detectionSizeCandidates(128)).toEqual([128, 192, 256]);
    expect(detectionSizeCandidates(100)).toEqual([100, 160, 192]);
    // never above the largest training size: the full GPU preset's 512 px tries 768 and 1024, 640 only 960
    expect(detectionSizeCandidates(512)).toEqual([512, 768, 1024]);
    expect(detectionSizeCandidates(640)).toEqual([640, 960]);
    expect(detectionSizeCandidates(1024)).toEqual([1024]);
    expect(detectionSizeCandidates(416, false)).toEqual([416]);
  });
});

describe("picking a detection size", () => {
  it("takes the best val mAP50", () => {
    expect(pickDetectionSize([{ size: 416, mAP50: 0.3 }, { size: 640, mAP50: 0.36 }, { size: 832, mAP50: 0.34 }])).toBe(640);
  });
  it("takes the smaller size when a larger one wins by no more than the tolerance", () => {
    expect(pickDetectionSize([{ size: 832, mAP50: 0.3 + DETECTION_SIZE_TOLERANCE }, { size: 416, mAP50: 0.3 }])).toBe(416);
    expect(pickDetectionSize([{ size: 416, mAP50: 0.3 }, { size: 832, mAP50: 0.3 + 2 * DETECTION_SIZE_TOLERANCE }])).toBe(832);
  });
  it("refuses to pick from nothing", () => {
    expect(() => pickDetectionSize([])).toThrow(/no detection size/);
  });
});

describe.each(DETECTOR_FAMILY_IDS)("a %s detector rebuilt at another size", (kind) => {
  const options = { inputSize: 64, numClasses: CLASSES.length, width: "n", seed: 3 } as const;
  const random = new SeededRandom(9);
  const image = { data: Uint8Array.from({ length: 90 * 70 * 3 }, () => random.int(0, 255)), width: 90, height: 70 };
  const keepAll = { scoreThreshold: 0, maxDetections: 30 };

  it("carries every trained weight: rebuilt at its own size it detects exactly as before", async () => {
    const trained = DETECTOR_FAMILIES[kind].recipe.buildTrainable(options, {});
    const metadata = detectorMetadata(kind, { width: "n", backbone: "scratch", classes: CLASSES, inputSize: 64 });
    const rebuilt = modelAtSize(kind, trained.getWeights(), { ...options, seed: 99 });
    const original = DETECTOR_FAMILIES[kind].detector(trained, metadata);
    const copy = DETECTOR_FAMILIES[kind].detector(rebuilt, metadata);
    expect(await copy.detect([image], keepAll)).toEqual(await original.detect([image], keepAll));
    original.dispose();
    copy.dispose();
  });

  it("runs at a larger input with the same weights, its boxes in image pixels", async () => {
    const trained = DETECTOR_FAMILIES[kind].recipe.buildTrainable(options, {});
    const larger = modelAtSize(kind, trained.getWeights(), { ...options, inputSize: 96 });
    expect(larger.inputs[0]!.shape).toEqual([null, 96, 96, 3]);
    expect(larger.getWeights().map((w) => w.shape)).toEqual(trained.getWeights().map((w) => w.shape));
    const detector = DETECTOR_FAMILIES[kind].detector(larger, detectorMetadata(kind, { width: "n", backbone: "scratch", classes: CLASSES, inputSize: 96 }));
    const [detections] = await detector.detect([image], keepAll);
    expect(detections!.length).toBeGreaterThan(0);
    for (const d of detections!) expect(d.box.xmin >= 0 && d.box.ymin >= 0 && d.box.xmax <= 90 && d.box.ymax <= 70).toBe(true);
    detector.dispose();
    trained.dispose();
  });
});
