import { describe, expect, it } from "vitest";
import { anchorsFor, decodeDeltas, decodeSideDistances, encodeDeltas, encodeSideDistances, gridPoints, MAX_LOG_SCALE } from "./box-coding";

describe("side distances (one-stage)", () => {
  it("are the distances from the grid point to each side, in strides, and decode back", () => {
    const point = { x: 12, y: 20 };
    const box = { xmin: 4, ymin: 8, xmax: 28, ymax: 24 };
    const d = encodeSideDistances(point, 8, box);
    expect(d).toEqual({ left: 1, top: 1.5, right: 2, bottom: 0.5 });
    expect(decodeSideDistances(point, 8, d)).toEqual(box);
  });

  it("grid points are cell centres, row-major", () => {
    expect(gridPoints(16, 8)).toEqual([
      { x: 4, y: 4 },
      { x: 12, y: 4 },
      { x: 4, y: 12 },
      { x: 12, y: 12 },
    ]);
  });
});

describe("deltas (two-stage)", () => {
  it("match Faster R-CNN's definition and round-trip", () => {
    const anchor = { xmin: 0, ymin: 0, xmax: 10, ymax: 20 };
    // box centre (10, 10) vs anchor centre (5, 10); width 20 vs 10, height 20 vs 20.
    const box = { xmin: 0, ymin: 0, xmax: 20, ymax: 20 };
    const d = encodeDeltas(anchor, box);
    expect(d.dx).toBeCloseTo(0.5, 12);
    expect(d.dy).toBeCloseTo(0, 12);
    expect(d.dw).toBeCloseTo(Math.log(2), 12);
    expect(d.dh).toBeCloseTo(0, 12);
    const back = decodeDeltas(anchor, d);
    for (const key of ["xmin", "ymin", "xmax", "ymax"] as const) expect(back[key]).toBeCloseTo(box[key], 9);
    const weights = { dx: 10, dy: 10, dw: 5, dh: 5 };
    const weighted = encodeDeltas(anchor, box, weights);
    expect(weighted.dx).toBeCloseTo(5, 12);
    expect(decodeDeltas(anchor, weighted, weights).xmax).toBeCloseTo(20, 9);
  });

  it("clamp huge size deltas so a box cannot explode", () => {
    const anchor = { xmin: 0, ymin: 0, xmax: 16, ymax: 16 };
    const box = decodeDeltas(anchor, { dx: 0, dy: 0, dw: 50, dh: 50 });
    expect(box.xmax - box.xmin).toBeCloseTo(16 * Math.exp(MAX_LOG_SCALE), 6);
  });

  it("refuse empty boxes", () => {
    expect(() => encodeDeltas({ xmin: 0, ymin: 0, xmax: 0, ymax: 5 }, { xmin: 0, ymin: 0, xmax: 5, ymax: 5 })).toThrow(RangeError);
  });
});

describe("anchors", () => {
  it("one per size and ratio per cell, centred, with area size² and height/width = ratio", () => {
    const anchors = anchorsFor(16, 8, [8, 16], [0.5, 1, 2]);
    expect(anchors).toHaveLength(4 * 2 * 3);
    const first = anchors[0]!;
    expect((first.xmin + first.xmax) / 2).toBeCloseTo(4, 12);
    const w = first.xmax - first.xmin;
    const h = first.ymax - first.ymin;
    expect(w * h).toBeCloseTo(64, 9);
    expect(h / w).toBeCloseTo(0.5, 12);
  });
});
