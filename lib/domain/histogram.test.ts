import { describe, expect, it } from "vitest";
import { binIndex, binLabels, histogram } from "./histogram";

describe("histogram", () => {
  it("counts half-open bins and clamps outliers into the outer bins", () => {
    const h = histogram([-5, 0, 0.5, 1, 2, 2.5, 3, 99, Number.NaN], [0, 1, 2, 3]);
    // [0,1): -5 (clamped), 0, 0.5 · [1,2): 1 · [2,3]: 2, 2.5, 3, 99 (clamped)
    expect(h.counts).toEqual([3, 1, 4]);
    expect(h.counts.reduce((a, b) => a + b, 0)).toBe(8);
  });

  it("finds bins by binary search on many edges", () => {
    const edges = Array.from({ length: 101 }, (_, i) => i * 10);
    for (const v of [0, 9.99, 10, 505, 999, 1000, 5000]) {
      expect(binIndex(v, edges)).toBe(Math.min(99, Math.floor(v / 10)));
    }
  });

  it("rejects edges that are not increasing", () => {
    expect(() => histogram([], [1])).toThrow();
    expect(() => histogram([], [0, 2, 2])).toThrow();
  });

  it("labels bins for people", () => {
    expect(binLabels([0, 16, 32, Infinity], " px")).toEqual(["< 16 px", "16–32 px", "≥ 32 px"]);
    expect(binLabels([1, 2, 3])).toEqual(["1", "2"]);
  });
});
