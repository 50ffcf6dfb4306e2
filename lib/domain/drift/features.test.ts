import { describe, expect, it } from "vitest";
import { psi } from "./metrics/psi";
import {
  binCountForNoise,
  buildReferences,
  comparisonCounts,
  countWindow,
  FEATURE_NAMES,
  imageFeatureValues,
  relativeBoxSize,
  type ObservedPrediction,
} from "./features";

type Box = ObservedPrediction["boxes"][number];

function prediction(over: Partial<ObservedPrediction> = {}): ObservedPrediction {
  return { brightness: 0.5, contrast: 0.2, sharpness: 100, imageWidth: 100, imageHeight: 100, boxes: [], ...over };
}

function box(className: string, score: number, relativeSize: number): Box {
  return { className, score, relativeSize };
}

describe("relativeBoxSize", () => {
  it("is √(box area / image area)", () => {
    // 64 × 36 = 2304 px² in 640 × 360 = 230400 px²: ratio 0.01, √ = 0.1
    expect(relativeBoxSize({ xmin: 0, ymin: 0, xmax: 64, ymax: 36 }, 640, 360)).toBeCloseTo(0.1, 12);
    // 60 × 45 = 2700 px² in 120 × 90 = 10800 px²: ratio 0.25, √ = 0.5 (offset box, same area)
    expect(relativeBoxSize({ xmin: 10, ymin: 10, xmax: 70, ymax: 55 }, 120, 90)).toBeCloseTo(0.5, 12);
    // the whole frame: ratio 1
    expect(relativeBoxSize({ xmin: 0, ymin: 0, xmax: 200, ymax: 50 }, 200, 50)).toBe(1);
  });

  it("gives 0 for a degenerate box (zero width, or inverted corners)", () => {
    expect(relativeBoxSize({ xmin: 20, ymin: 0, xmax: 20, ymax: 50 }, 100, 100)).toBe(0);
    expect(relativeBoxSize({ xmin: 50, ymin: 0, xmax: 10, ymax: 40 }, 100, 100)).toBe(0);
    // both sides inverted: (−40)·(−40) would be +1600 without the clamp at 0 (√0.16 = 0.4)
    expect(relativeBoxSize({ xmin: 50, ymin: 50, xmax: 10, ymax: 10 }, 100, 100)).toBe(0);
  });
});

describe("imageFeatureValues", () => {
  it("passes luma statistics through and derives megapixels, box count and top score", () => {
    const values = imageFeatureValues(
      prediction({ brightness: 0.3, contrast: 0.12, sharpness: 42, imageWidth: 1920, imageHeight: 1080, boxes: [box("mask", 0.3, 0.1), box("no_mask", 0.9, 0.2), box("mask", 0.5, 0.3)] }),
    );
    // 1920 × 1080 = 2 073 600 px = 2.0736 MP; three boxes; max(0.3, 0.9, 0.5) = 0.9
    expect(values).toEqual({ brightness: 0.3, contrast: 0.12, sharpness: 42, megapixels: 2.0736, box_count: 3, max_confidence: 0.9 });
  });

  it("has box_count 0 and max_confidence NaN (missing) for an image without boxes", () => {
    const values = imageFeatureValues(prediction({ imageWidth: 640, imageHeight: 480 }));
    expect(values.box_count).toBe(0);
    expect(values.max_confidence).toBeNaN();
    expect(values.megapixels).toBeCloseTo(0.3072, 12); // 640 × 480 = 307 200 px
  });
});

describe("binCountForNoise", () => {
  // B is the largest b in [2, 10] with (b + 1)·(1/N + 1/M) ≤ 0.05, and 2 when none qualifies.
  it("gives the floor of 2 for a small baseline: 85 images", () => {
    // 1/85 + 1/200 = 0.016765; even b = 2 gives 3 · 0.016765 = 0.0503 > 0.05
    expect(binCountForNoise(85)).toBe(2);
  });

  it("hand-checks the formula at the default window of 200", () => {
    // N = 1000: 1/1000 + 1/200 = 0.006; 8 · 0.006 = 0.048 ≤ 0.05, 9 · 0.006 = 0.054 > 0.05 → B = 7
    expect(binCountForNoise(1000)).toBe(7);
    expect(binCountForNoise(1000, 200)).toBe(7);
    // N = 400: 0.0025 + 0.005 = 0.0075; 6 · 0.0075 = 0.045 ≤ 0.05, 7 · 0.0075 = 0.0525 → B = 5
    expect(binCountForNoise(400)).toBe(5);
  });

  it("never reaches 10 bins at the default window: 1/200 alone allows at most (B + 1) ≤ 10", () => {
    // N = 10⁶: 1e-6 + 0.005 = 0.005001; 9 · 0.005001 = 0.045 ≤ 0.05, 10 · 0.005001 = 0.05001 > 0.05 → B = 8
    expect(binCountForNoise(1e6)).toBe(8);
    // N = ∞: exactly 0.005; 10 · 0.005 = 0.05 ≤ 0.05 (the bound is inclusive) → B = 9
    expect(binCountForNoise(Number.POSITIVE_INFINITY)).toBe(9);
  });

  it("reaches the cap of 10 only with a larger window, and never exceeds it", () => {
    // N = M = 10⁴: 2e-4 per degree; 11 · 2e-4 = 0.0022 ≤ 0.05 → capped at 10
    expect(binCountForNoise(1e4, 1e4)).toBe(10);
    expect(binCountForNoise(Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY)).toBe(10);
    // a small window wins over a large reference: 1/50 = 0.02 alone → 3 · 0.02 = 0.06 → floor 2
    expect(binCountForNoise(1e6, 50)).toBe(2);
  });
});

describe("buildReferences", () => {
  // Four images; "helmet" is not one of the model's classes.
  const sample: ObservedPrediction[] = [
    prediction({ brightness: 0.1, imageWidth: 100, imageHeight: 100, boxes: [box("mask", 0.9, 0.2)] }),
    prediction({ brightness: 0.2, imageWidth: 200, imageHeight: 100, boxes: [box("no_mask", 0.6, 0.3), box("mask", 0.8, 0.1)] }),
    prediction({ brightness: 0.3, imageWidth: 300, imageHeight: 100, boxes: [] }),
    prediction({ brightness: 0.4, imageWidth: 400, imageHeight: 100, boxes: [box("helmet", 0.7, 0.4)] }),
  ];
  const classes = ["mask", "no_mask"];
  // Four (or three) finite values per feature → binCountForNoise = 2 → quantile edges
  // [min, s_⌈n/2⌉, max], ties merged; counts [underflow, bin 1, bin 2 (closed), overflow].
  const references = buildReferences(sample, classes);

  it("gives the class mix the model's classes plus 'other', whatever the sample predicted", () => {
    // mask ×2, no_mask ×1, helmet → other ×1
    expect(references.class_mix).toEqual({ kind: "categorical", categories: ["mask", "no_mask"], counts: [2, 1, 1] });
    // a class never predicted still has its own (empty) bucket
    const onlyMasks = buildReferences([prediction({ boxes: [box("mask", 0.9, 0.2)] })], ["mask", "no_mask", "hood"]);
    expect(onlyMasks.class_mix).toEqual({ kind: "categorical", categories: ["mask", "no_mask", "hood"], counts: [1, 0, 0, 0] });
  });

  it("fixes numeric edges at the sample's quantiles", () => {
    // brightness sorted [0.1, 0.2, 0.3, 0.4]: edges [0.1, s_2 = 0.3, 0.4]; [0.1, 0.3) holds 2, [0.3, 0.4] holds 2
    expect(references.brightness).toEqual({ kind: "numeric", edges: [0.1, 0.3, 0.4], counts: [0, 2, 2, 0], missing: 0 });
    // megapixels 0.01…0.04 the same way
    expect(references.megapixels).toEqual({ kind: "numeric", edges: [0.01, 0.03, 0.04], counts: [0, 2, 2, 0], missing: 0 });
    // box_count [1, 2, 0, 1] sorted [0, 1, 1, 2]: edges [0, s_2 = 1, 2]; [0, 1) holds the 0, [1, 2] holds 1, 1, 2
    expect(references.box_count).toEqual({ kind: "numeric", edges: [0, 1, 2], counts: [0, 1, 3, 0], missing: 0 });
    // box-level: one value per box. Scores sorted [0.6, 0.7, 0.8, 0.9]: edges [0.6, 0.8, 0.9]
    expect(references.confidence).toEqual({ kind: "numeric", edges: [0.6, 0.8, 0.9], counts: [0, 2, 2, 0], missing: 0 });
    // sizes sorted [0.1, 0.2, 0.3, 0.4]: edges [0.1, 0.3, 0.4]
    expect(references.box_size).toEqual({ kind: "numeric", edges: [0.1, 0.3, 0.4], counts: [0, 2, 2, 0], missing: 0 });
  });

  it("counts images without boxes as missing for max_confidence (and bins only the others)", () => {
    // top scores [0.9, 0.8, NaN, 0.7]: 3 finite, sorted [0.7, 0.8, 0.9]; edges [0.7, s_2 = 0.9, 0.9] → tie merged
    // to [0.7, 0.9], a single closed bin holding all three
    expect(references.max_confidence).toEqual({ kind: "numeric", edges: [0.7, 0.9], counts: [0, 3, 0], missing: 1 });
  });

  it("takes as many bins as binCountForNoise allows for the sample size", () => {
    // 1000 images with brightness i/1000 → binCountForNoise(1000) = 7; interior edges s_⌈j·1000/7⌉:
    // ⌈142.9⌉ = 143, ⌈285.7⌉ = 286, 429, 572, 715, 858; the last bin [0.858, 0.999] holds 142
    const large = buildReferences(Array.from({ length: 1000 }, (_, i) => prediction({ brightness: i / 1000 })), classes);
    expect(large.brightness).toEqual({
      kind: "numeric",
      edges: [0, 0.143, 0.286, 0.429, 0.572, 0.715, 0.858, 0.999],
      counts: [0, 143, 143, 143, 143, 143, 143, 142, 0],
      missing: 0,
    });
  });

  it("leaves out a feature with no finite value (and the class mix when no box was detected)", () => {
    const noBoxes = buildReferences([prediction({ brightness: 0.2 }), prediction({ brightness: 0.6, sharpness: Number.NaN })], classes);
    expect(noBoxes.max_confidence).toBeUndefined();
    expect(noBoxes.confidence).toBeUndefined();
    expect(noBoxes.box_size).toBeUndefined();
    // An all-zero class mix would make psi/klDivergence throw on the first window with a box.
    expect(noBoxes.class_mix).toBeUndefined();
    // box_count is still measured (constant 0 → edges [0, 0]); one of two sharpness values is missing
    expect(noBoxes.box_count).toEqual({ kind: "numeric", edges: [0, 0], counts: [0, 2, 0], missing: 0 });
    expect(noBoxes.sharpness).toEqual({ kind: "numeric", edges: [100, 100], counts: [0, 1, 0], missing: 1 });
    expect(Object.keys(noBoxes).sort()).toEqual(["box_count", "brightness", "contrast", "megapixels", "sharpness"]);
  });
});

describe("countWindow", () => {
  const sample: ObservedPrediction[] = [
    prediction({ brightness: 0.1, contrast: 0.05, sharpness: 10, imageWidth: 100, boxes: [box("mask", 0.9, 0.2)] }),
    prediction({ brightness: 0.2, contrast: 0.15, sharpness: 30, imageWidth: 200, boxes: [box("no_mask", 0.6, 0.3), box("mask", 0.8, 0.1)] }),
    prediction({ brightness: 0.3, contrast: 0.25, sharpness: 20, imageWidth: 300, boxes: [] }),
    prediction({ brightness: 0.4, contrast: 0.35, sharpness: 40, imageWidth: 400, boxes: [box("helmet", 0.7, 0.4)] }),
    prediction({ brightness: 0.25, contrast: 0.3, sharpness: 50, imageWidth: 500, boxes: [box("mask", 0.95, 0.25)] }),
  ];
  const references = buildReferences(sample, ["mask", "no_mask"]);

  it("gives back the reference's own counts when the window is the reference sample", () => {
    const counts = countWindow(references, sample);
    expect(Object.keys(counts).sort()).toEqual([...FEATURE_NAMES].sort());
    for (const name of FEATURE_NAMES) {
      const reference = references[name]!;
      expect(counts[name]!.counts, name).toEqual(reference.counts);
      expect(counts[name]!.missing, name).toBe(reference.kind === "numeric" ? reference.missing : 0);
    }
  });

  it("puts a value beyond the reference range in the overflow (or underflow) bin and an unknown class in 'other'", () => {
    // brightness edges [0.1, s_3 = 0.3, 0.4] (5 values, ⌈5/2⌉ = 3): 0.5 > 0.4 → overflow, 0.05 < 0.1 → underflow
    expect(references.brightness).toMatchObject({ edges: [0.1, 0.3, 0.4] });
    const counts = countWindow(references, [
      prediction({ brightness: 0.5, boxes: [box("hood", 0.9, 0.2)] }),
      prediction({ brightness: 0.5 }),
      prediction({ brightness: 0.05 }),
    ]);
    expect(counts.brightness).toEqual({ counts: [1, 0, 0, 2], missing: 0 });
    expect(counts.class_mix).toEqual({ counts: [0, 0, 1], missing: 0 });
    // two of the three images have no box: missing top score
    expect(counts.max_confidence!.missing).toBe(2);
  });

  it("counts only the features the references have", () => {
    const counts = countWindow({ brightness: references.brightness! }, sample);
    expect(Object.keys(counts)).toEqual(["brightness"]);
  });
});

describe("comparisonCounts", () => {
  const numeric = { kind: "numeric" as const, edges: [0, 0.5, 1], counts: [0, 64, 64, 0], missing: 0 };
  it("adds the chance share 1/(N + 1) of each side's total to its out-of-range bins", () => {
    // N = 128, q = 1/129: the reference's outer bins get 128/129, the window's (M = 720) 720/129.
    const { reference, window } = comparisonCounts(numeric, [0, 350, 356, 14]);
    expect(reference[0]).toBeCloseTo(128 / 129, 12);
    expect(reference[3]).toBeCloseTo(128 / 129, 12);
    expect(reference.slice(1, 3)).toEqual([64, 64]);
    expect(window[0]).toBeCloseTo(720 / 129, 12);
    expect(window[3]).toBeCloseTo(14 + 720 / 129, 12);
    // 14 of 720 beyond the reference max is about what chance puts there (2/129 ≈ 1.6 % on both
    // sides): PSI stays far from a warning, where the bare ε floor read ≈ 0.1.
    expect(psi(reference, window)).toBeLessThan(0.03);
    expect(psi(numeric.counts, [0, 350, 356, 14])).toBeGreaterThan(0.09);
  });

  it("keeps equal shares equal and leaves categories as counted", () => {
    const { reference, window } = comparisonCounts(numeric, [0, 32, 32, 0]);
    expect(psi(reference, window)).toBe(0);
    const categorical = { kind: "categorical" as const, categories: ["a"], counts: [5, 0] };
    expect(comparisonCounts(categorical, [3, 1])).toEqual({ reference: [5, 0], window: [3, 1] });
  });
});
