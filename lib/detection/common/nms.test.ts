import { describe, expect, it } from "vitest";
import { nonMaxSuppression, type Detection } from "./nms";

const det = (xmin: number, score: number, classIndex = 0, width = 10): Detection => ({ box: { xmin, ymin: 0, xmax: xmin + width, ymax: 10 }, score, classIndex });
const options = { iouThreshold: 0.5, scoreThreshold: 0.1, maxDetections: 100 };

describe("non-maximum suppression", () => {
  it("keeps the best of overlapping boxes and drops the rest above the IoU threshold", () => {
    // [0,10] vs [2,12]: intersection 8, union 12 → IoU 0.667 > 0.5: dropped.
    // [0,10] vs [5,15]: intersection 5, union 15 → IoU 0.333: kept.
    const kept = nonMaxSuppression([det(2, 0.8), det(0, 0.9), det(5, 0.7)], options);
    expect(kept.map((d) => d.box.xmin)).toEqual([0, 5]);
  });

  it("keeps a box at exactly the IoU threshold (suppression needs more than it)", () => {
    // [0,10] vs [0,20] (width 20): intersection 100, union 200 → IoU exactly 0.5.
    const kept = nonMaxSuppression([det(0, 0.9), det(0, 0.8, 0, 20)], options);
    expect(kept).toHaveLength(2);
  });

  it("suppresses within a class only, unless told otherwise", () => {
    const input = [det(0, 0.9, 0), det(1, 0.8, 1)];
    expect(nonMaxSuppression(input, options)).toHaveLength(2);
    expect(nonMaxSuppression(input, { ...options, perClass: false })).toHaveLength(1);
  });

  it("drops low scores and empty boxes first, caps the count, and breaks score ties by input order", () => {
    const input = [det(0, 0.05), det(20, 0.5), det(40, 0.5), det(60, 0.5), { box: { xmin: 80, ymin: 0, xmax: 80, ymax: 10 }, score: 0.9, classIndex: 0 }];
    expect(nonMaxSuppression(input, { ...options, maxDetections: 2 }).map((d) => d.box.xmin)).toEqual([20, 40]);
  });

  it("handles no detections", () => {
    expect(nonMaxSuppression([], options)).toEqual([]);
  });
});
