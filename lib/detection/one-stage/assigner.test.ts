import { describe, expect, it } from "vitest";
import { assignTargets, DEFAULT_ASSIGNER } from "./assigner";
import { pointGrid } from "./points";

/** Predictions that are a fixed box of half-size `half` around every point, with one score for all. */
function uniformPredictions(grid: ReturnType<typeof pointGrid>, numClasses: number, half: number, score: number) {
  const boxes = new Float32Array(grid.count * 4);
  for (let a = 0; a < grid.count; a++) boxes.set([grid.x[a]! - half, grid.y[a]! - half, grid.x[a]! + half, grid.y[a]! + half], a * 4);
  return { scores: new Float32Array(grid.count * numClasses).fill(score), boxes };
}

describe("task-aligned assignment", () => {
  const grid = pointGrid(64, [8, 16, 32]); // 64 + 16 + 4 points

  it("takes the top-k points inside a box, best aligned first, and scales targets to the best IoU", () => {
    const { scores, boxes } = uniformPredictions(grid, 3, 8, 0.5);
    // A 32×32 box at (8, 8): the stride-8 points inside are x, y ∈ {12, 20, 28, 36} (16 points).
    const result = assignTargets(grid, 3, scores, boxes, [{ box: { xmin: 8, ymin: 8, xmax: 40, ymax: 40 }, classIndex: 2 }], { ...DEFAULT_ASSIGNER, topK: 4 });
    expect(result.positives).toBe(4);
    const positives = [...result.targetClass.keys()].filter((a) => result.targetClass[a] === 2);
    for (const a of positives) {
      expect(grid.x[a]).toBeGreaterThan(8);
      expect(grid.x[a]).toBeLessThan(40);
      expect([...result.targetBox.slice(a * 4, a * 4 + 4)]).toEqual([8, 8, 40, 40]);
    }
    // Every predicted box is 16×16; the best overlap is one fully inside: IoU = 256 / 1024 = 0.25.
    expect(Math.max(...positives.map((a) => result.targetScore[a]!))).toBeCloseTo(0.25, 5);
  });

  it("gives a face smaller than the grid the nearest fine point", () => {
    const { scores, boxes } = uniformPredictions(grid, 3, 4, 0.1);
    // 3×3 px between grid centres (4, 12): no point inside.
    const result = assignTargets(grid, 3, scores, boxes, [{ box: { xmin: 5, ymin: 5, xmax: 8, ymax: 8 }, classIndex: 1 }]);
    expect(result.positives).toBe(1);
    const a = result.targetClass.findIndex((c) => c === 1);
    expect([grid.x[a], grid.y[a], grid.stride[a]]).toEqual([4, 4, 8]);
  });

  it("a point wanted by two boxes goes to the one its prediction overlaps more", () => {
    const { scores, boxes } = uniformPredictions(grid, 3, 8, 0.5);
    // Point (20, 20) predicts [12, 28]²; box A = [0, 40]² (IoU 256/1600), box B = [12, 30]² (IoU 256/324).
    const result = assignTargets(grid, 3, scores, boxes, [
      { box: { xmin: 0, ymin: 0, xmax: 40, ymax: 40 }, classIndex: 0 },
      { box: { xmin: 12, ymin: 12, xmax: 30, ymax: 30 }, classIndex: 1 },
    ]);
    const point = [...grid.x.keys()].find((a) => grid.x[a] === 20 && grid.y[a] === 20 && grid.stride[a] === 8)!;
    expect(result.targetClass[point]).toBe(1);
  });

  it("leaves everything background without labels", () => {
    const { scores, boxes } = uniformPredictions(grid, 3, 8, 0.5);
    const result = assignTargets(grid, 3, scores, boxes, []);
    expect(result.positives).toBe(0);
    expect(result.targetClass.every((c) => c === -1)).toBe(true);
  });
});
