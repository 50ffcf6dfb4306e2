import { describe, expect, it } from "vitest";
import { selectDetections } from "./postprocess";

// Two locations, three classes. Location 0 is a face that is 0.6 with_mask, 0.3 incorrectly masked.
const scores = [
  [0.6, 0.05, 0.3],
  [0.02, 0.01, 0.002],
];
const boxes = [
  { xmin: 0, ymin: 0, xmax: 10, ymax: 10 },
  { xmin: 1, ymin: 1, xmax: 11, ymax: 11 }, // overlaps box 0 at IoU 0.68
];
const select = (multiLabel: boolean, scoreThreshold = 0.01) => selectDetections(2, 3, (a, c) => scores[a]![c]!, (a) => boxes[a]!, { scoreThreshold, iouThreshold: 0.5, maxDetections: 10, multiLabel });

describe("class selection before NMS", () => {
  it("serving: one class per location (its best), NMS across classes", () => {
    expect(select(false)).toEqual([{ box: boxes[0], score: 0.6, classIndex: 0 }]);
  });

  it("evaluation (multi-label): every class above the threshold, NMS within each class", () => {
    expect(select(true)).toEqual([
      { box: boxes[0], score: 0.6, classIndex: 0 },
      { box: boxes[0], score: 0.3, classIndex: 2 },
      { box: boxes[0], score: 0.05, classIndex: 1 },
    ]);
    // The lower threshold lets location 1's classes in; each is suppressed by location 0's box of the same class.
    expect(select(true, 0.001)).toHaveLength(3);
    expect(select(true, 0.5)).toEqual([{ box: boxes[0], score: 0.6, classIndex: 0 }]);
  });
});

describe("faces, for a model whose mask judge gives the classes", () => {
  it("scores each location by the sum of its class scores and suppresses across classes", () => {
    const faces = selectDetections(2, 3, (a, c) => scores[a]![c]!, (a) => boxes[a]!, { scoreThreshold: 0.01, iouThreshold: 0.5, maxDetections: 10, faces: true, multiLabel: true });
    expect(faces).toHaveLength(1);
    expect(faces[0]!.score).toBeCloseTo(0.95);
    expect(faces[0]!.classIndex).toBe(0);
  });

  it("caps a face score at 1 when independent class scores add past it", () => {
    const faces = selectDetections(1, 2, () => 0.8, () => boxes[0]!, { scoreThreshold: 0.5, iouThreshold: 0.5, maxDetections: 10, faces: true });
    expect(faces).toEqual([{ box: boxes[0], score: 1, classIndex: 0 }]);
  });
});
