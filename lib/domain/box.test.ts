import { describe, expect, it } from "vitest";
import { boxArea, clipBox, intersectionArea, iou, isInside, roundBox } from "./box";

describe("box geometry", () => {
  it("measures area with max exclusive", () => {
    expect(boxArea({ xmin: 0, ymin: 0, xmax: 10, ymax: 5 })).toBe(50);
    expect(boxArea({ xmin: 5, ymin: 5, xmax: 5, ymax: 9 })).toBe(0);
    expect(boxArea({ xmin: 5, ymin: 5, xmax: 3, ymax: 9 })).toBe(0);
  });

  it("computes IoU of overlapping, nested and disjoint boxes", () => {
    const a = { xmin: 0, ymin: 0, xmax: 10, ymax: 10 };
    expect(iou(a, a)).toBe(1);
    // overlap 5x10 = 50, union 100 + 100 - 50 = 150
    expect(iou(a, { xmin: 5, ymin: 0, xmax: 15, ymax: 10 })).toBeCloseTo(1 / 3, 12);
    expect(iou(a, { xmin: 2, ymin: 2, xmax: 7, ymax: 7 })).toBeCloseTo(25 / 100, 12);
    expect(iou(a, { xmin: 10, ymin: 0, xmax: 20, ymax: 10 })).toBe(0);
    expect(intersectionArea(a, { xmin: 10, ymin: 0, xmax: 20, ymax: 10 })).toBe(0);
    expect(iou({ xmin: 1, ymin: 1, xmax: 1, ymax: 1 }, { xmin: 1, ymin: 1, xmax: 1, ymax: 1 })).toBe(0);
  });

  it("clips to the image and tells whether a box is inside", () => {
    const size = { width: 100, height: 50 };
    expect(clipBox({ xmin: -3, ymin: 10, xmax: 101, ymax: 60 }, size)).toEqual({ xmin: 0, ymin: 10, xmax: 100, ymax: 50 });
    expect(isInside({ xmin: 0, ymin: 0, xmax: 100, ymax: 50 }, size)).toBe(true);
    expect(isInside({ xmin: 0, ymin: 0, xmax: 100.5, ymax: 50 }, size)).toBe(false);
  });

  it("snaps to whole pixels without collapsing a box", () => {
    expect(roundBox({ xmin: 1.4, ymin: 2.6, xmax: 10.5, ymax: 20.2 })).toEqual({ xmin: 1, ymin: 3, xmax: 11, ymax: 20 });
    expect(roundBox({ xmin: 5.2, ymin: 5.2, xmax: 5.3, ymax: 5.4 })).toEqual({ xmin: 5, ymin: 5, xmax: 6, ymax: 6 });
  });
});
