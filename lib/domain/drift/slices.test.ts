import { describe, expect, it } from "vitest";
import { buildReferences, type ObservedPrediction } from "./features";
import { explainBySlices, sliceValue, type SliceItem } from "./slices";

function observed(over: Partial<ObservedPrediction> = {}): ObservedPrediction {
  return { brightness: 0.5, contrast: 0.2, sharpness: 100, imageWidth: 640, imageHeight: 480, boxes: [], ...over };
}

function item(source: string | null, over: Partial<ObservedPrediction> = {}, embedding: Float32Array | null = null): SliceItem {
  return { source, observed: observed(over), embedding };
}

describe("sliceValue", () => {
  it("bands brightness with each boundary on the upper band", () => {
    const band = (brightness: number) => sliceValue("brightness", item("cam", { brightness }));
    expect(band(0.2499)).toBe("dark (< 0.25)");
    expect(band(0.25)).toBe("normal (0.25–0.6)");
    expect(band(0.5999)).toBe("normal (0.25–0.6)");
    expect(band(0.6)).toBe("bright (≥ 0.6)");
  });

  it("bands image size in megapixels with each boundary on the upper band", () => {
    const band = (imageWidth: number, imageHeight: number) => sliceValue("image_size", item("cam", { imageWidth, imageHeight }));
    expect(band(599, 500)).toBe("< 0.3 MP"); // 0.2995 MP
    expect(band(600, 500)).toBe("0.3–1 MP"); // 0.3 MP exactly
    expect(band(1000, 999)).toBe("0.3–1 MP"); // 0.999 MP
    expect(band(1000, 1000)).toBe("1–3 MP"); // 1 MP exactly
    expect(band(2000, 1500)).toBe("≥ 3 MP"); // 3 MP exactly
  });

  it("reads the source tag, with a label for a missing one", () => {
    expect(sliceValue("source", item("cam-7"))).toBe("cam-7");
    expect(sliceValue("source", item(null))).toBe("(no source tag)");
  });
});

describe("explainBySlices", () => {
  // Reference: 200 images with brightness 0.4 + i/1000 (0.400…0.599). binCountForNoise(200) = 4
  // (1/200 + 1/200 = 0.01; 5 · 0.01 ≤ 0.05), so edges [0.4, 0.45, 0.5, 0.55, 0.599], 50 per bin.
  const reference = buildReferences(
    Array.from({ length: 200 }, (_, i) => observed({ brightness: 0.4 + i / 1000 })),
    ["mask"],
  );

  // cam-normal: 100 images from the reference's own values, 30/20/25/25 over its four bins.
  // cam-dark: 90 images at 0.1 (band "dark") and 10 at 0.3 (band "normal"), all below the
  // reference minimum, so all in the underflow bin. Every image is 640 × 480 (one size band).
  const pick = (from: number, n: number) => Array.from({ length: n }, (_, k) => item("cam-normal", { brightness: 0.4 + (from + k) / 1000 }));
  const items: SliceItem[] = [
    ...pick(0, 30),
    ...pick(50, 20),
    ...pick(100, 25),
    ...pick(150, 25),
    ...Array.from({ length: 90 }, () => item("cam-dark", { brightness: 0.1 })),
    ...Array.from({ length: 10 }, () => item("cam-dark", { brightness: 0.3 })),
  ];

  it("builds the reference the comments assume", () => {
    expect(reference.brightness).toMatchObject({ counts: [0, 50, 50, 50, 50, 0] });
  });

  it("finds the dark camera as the explanation of a brightness drift", () => {
    const explanations = explainBySlices("brightness", reference, null, items);
    /*
     * Reference r = [0, ¼, ¼, ¼, ¼, 0], N = 200: both sides get q = 1/201 of their total added to the
     * outer bins (features.ts comparisonCounts), the reference's shares become [1, 50.25 ×4, 1] / 203.
     * Whole window [100, 30, 20, 25, 25, 0] / 200: the underflow (≈ 50 % against 0.5 %) dominates:
     *   PSI ≈ 2.646.
     * Without cam-dark: [0, 30, 20, 25, 25, 0] / 100; the outer shares are equal and cancel:
     *   PSI = 0.05 ln 1.5 · 201/203 ≈ 0.020074.
     * Without the dark band: [10, 30, 20, 25, 25, 0] / 110 still has 10 underflow images: PSI ≈ 0.294.
     */
    const [top, second, ...rest] = explanations;
    expect(top).toMatchObject({ dimension: "source", value: "cam-dark", count: 100, share: 0.5 });
    expect(top!.metricWithout).toBeCloseTo(0.020074, 5);
    expect(top!.metricWithout!).toBeLessThan(0.03);
    expect(top!.explained!).toBeGreaterThan(2.55); // ≈ 2.646 − 0.020 = 2.625
    expect(top!.explained!).toBeLessThan(2.7);

    // The dark band explains less: it misses the 10 images at 0.3.
    expect(second).toMatchObject({ dimension: "brightness", value: "dark (< 0.25)", count: 90 });
    expect(second!.metricWithout!).toBeGreaterThan(0.25);
    expect(second!.metricWithout!).toBeLessThan(0.35);
    expect(second!.explained!).toBeLessThan(top!.explained!);

    // Removing the healthy images leaves only underflow: PSI ≈ 17, so they "explain" a negative amount.
    expect(rest.map((e) => `${e.dimension}=${e.value}`).sort()).toEqual(["brightness=normal (0.25–0.6)", "source=cam-normal"]);
    for (const e of rest) expect(e.explained!).toBeLessThan(-10);
  });

  it("skips a dimension with a single value", () => {
    // every image is 640 × 480: removing "0.3–1 MP" would empty the window
    const dimensions = explainBySlices("brightness", reference, null, items).map((e) => e.dimension);
    expect(dimensions).not.toContain("image_size");
    expect(dimensions).toHaveLength(4); // source × 2, brightness × 2

    // one camera only: nothing by source, and still something by image size
    const oneCamera = items.map((x, i) => ({ ...x, source: "cam-1", observed: { ...x.observed, imageWidth: i % 2 ? 1920 : 640, imageHeight: i % 2 ? 1080 : 480 } }));
    const byDimension = explainBySlices("brightness", reference, null, oneCamera).map((e) => e.dimension);
    expect(byDimension).not.toContain("source");
    expect(byDimension.filter((d) => d === "image_size")).toHaveLength(2);
  });

  it("leaves metricWithout and explained null for a feature without a reference", () => {
    const explanations = explainBySlices("confidence", reference, null, items); // no boxes in the reference
    expect(explanations).toHaveLength(4);
    for (const e of explanations) expect(e).toMatchObject({ metricWithout: null, explained: null });
  });

  it("explains the embedding by the cosine distance of the slice-less mean from the baseline mean", () => {
    const baselineMean = new Float32Array([1, 0, 0]);
    const embeddingItems: SliceItem[] = [
      ...Array.from({ length: 50 }, () => item("cam-a", {}, new Float32Array([1, 0, 0]))),
      item("cam-a", {}, null), // no embedding logged: ignored by the mean
      item("cam-a", {}, new Float32Array([0, 0, 1, 0])), // another dimension: ignored as well
      ...Array.from({ length: 50 }, () => item("cam-b", {}, new Float32Array([0, 1, 0]))),
    ];
    /*
     * Whole window: Σ = [50, 50, 0], distance 1 − 50 / (√5000 · 1) = 1 − 1/√2 ≈ 0.292893.
     * Without cam-b: Σ = [50, 0, 0], distance 0, so cam-b explains all of it.
     * Without cam-a: Σ = [0, 50, 0], orthogonal: distance 1, explained (1 − 1/√2) − 1 = −1/√2 ≈ −0.7071.
     */
    const explanations = explainBySlices("embedding", reference, baselineMean, embeddingItems);
    expect(explanations).toHaveLength(2); // brightness and image size are single-valued
    const [top, last] = explanations;
    expect(top).toMatchObject({ dimension: "source", value: "cam-b", count: 50 });
    expect(top!.share).toBeCloseTo(50 / 102, 12);
    expect(top!.metricWithout).toBeCloseTo(0, 12);
    expect(top!.explained).toBeCloseTo(1 - Math.SQRT1_2, 6);
    expect(last).toMatchObject({ dimension: "source", value: "cam-a", count: 52 });
    expect(last!.metricWithout).toBeCloseTo(1, 12);
    expect(last!.explained).toBeCloseTo(-Math.SQRT1_2, 6);
  });

  it("cannot explain the embedding without a baseline mean", () => {
    const embeddingItems = [item("cam-a", {}, new Float32Array([1, 0])), item("cam-b", {}, new Float32Array([0, 1]))];
    for (const e of explainBySlices("embedding", reference, null, embeddingItems)) expect(e).toMatchObject({ metricWithout: null, explained: null });
  });
});
