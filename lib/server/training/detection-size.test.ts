import { beforeAll, describe, expect, it } from "vitest";
import { SeededRandom } from "@/lib/domain/random";
import { DETECTOR_FAMILY_IDS } from "@/lib/domain/detector-families";
import { DETECTOR_FAMILIES, detectorMetadata } from "@/lib/detection/families";
import { useNodeBackend } from "@/lib/detection/tf/node-backend";
import { DETECTION_SIZE_TOLERANCE, detectionSizeCandidates, keptDetector, modelAtSize, pickDetectionSize, type SizedDetector } from "./detection-size";

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
  it("picks on finding faces when asked, and refuses a size that was not measured on it", () => {
    // A one-stage job's val (docs/benchmarks.md): its own classes do best at 416, it finds faces best at 640.
    const figures = [{ size: 416, mAP50: 0.517, facesAP50: 0.729 }, { size: 640, mAP50: 0.478, facesAP50: 0.782 }, { size: 832, mAP50: 0.413, facesAP50: 0.745 }];
    expect(pickDetectionSize(figures)).toBe(416);
    expect(pickDetectionSize(figures, "facesAP50")).toBe(640);
    expect(() => pickDetectionSize([{ size: 416, mAP50: 0.5 }], "facesAP50")).toThrow(/416 px has no val facesAP50/);
  });
});

describe("the detector a job keeps", () => {
  const metadata = detectorMetadata("one_stage", { width: "n", backbone: "scratch", classes: CLASSES, inputSize: 64 });
  const val = (mAP50: number) => ({ mAP50, mAP50to95: mAP50 / 2, perClassAP50: {} });
  const judge = { version: 1 } as unknown as NonNullable<typeof metadata.judge>;
  function sized(sameSize: boolean): SizedDetector {
    const build = (inputSize: number) => DETECTOR_FAMILIES.one_stage.recipe.buildTrainable({ inputSize, numClasses: CLASSES.length, width: "n", seed: 1 }, {});
    const chosen = { full: build(96), metadata: { ...metadata, inputSize: 96 }, val: val(0.4) };
    const own = sameSize ? chosen : { full: build(64), metadata, val: val(0.5) };
    return { ...chosen, chosenBy: "facesAP50", valBySize: [], withoutJudge: own };
  }
  const disposed = (model: { getWeights(): unknown }) => {
    try {
      model.getWeights();
      return false;
    } catch (error) {
      if (/already disposed/.test((error as Error).message)) return true;
      throw error;
    }
  };

  it("is the size chosen for the judge, with it, when the judge is kept; the other size's model is freed", () => {
    const s = sized(false);
    const kept = keptDetector(s, { kept: true, metadata: { ...s.metadata, judge } });
    expect(kept.full).toBe(s.full);
    expect(kept.metadata).toMatchObject({ inputSize: 96, judge });
    expect(disposed(s.withoutJudge.full)).toBe(true);
    expect(disposed(s.full)).toBe(false);
  });
  it("is the size the detector's own classes do best at, without a judge, when the judge is left out or absent", () => {
    for (const outcome of [{ kept: false, metadata: sized(true).metadata }, null]) {
      const s = sized(false);
      const kept = keptDetector(s, outcome);
      expect(kept).toBe(s.withoutJudge);
      expect(kept.metadata.inputSize).toBe(64);
      expect(kept.metadata.judge).toBeUndefined();
      expect(disposed(s.full)).toBe(true);
      expect(disposed(kept.full)).toBe(false);
    }
  });
  it("frees nothing when both are the same model", () => {
    const s = sized(true);
    expect(keptDetector(s, null).full).toBe(s.full);
    expect(disposed(s.full)).toBe(false);
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
