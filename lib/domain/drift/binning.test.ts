import { describe, expect, it } from "vitest";
import { countBins, driftBinIndex, referenceBins } from "./binning";

const zeroTo99 = Array.from({ length: 100 }, (_, i) => i);

describe("referenceBins", () => {
  it("defaults to 10 quantile bins that each hold a tenth of distinct values", () => {
    // n = 100, B = 10: e_j = s_⌈10j⌉ = 10j for 0 < j < 10, e_0 = min 0, e_10 = max 99.
    const { edges } = referenceBins(zeroTo99);
    expect(edges).toEqual([0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 99]);
    expect(referenceBins(zeroTo99, { bins: 10, method: "quantile" }).edges).toEqual(edges);
    // [0,10) … [80,90) hold 10 each and the closed [90,99] holds 90…99: 10; nothing outside.
    expect(countBins(edges, zeroTo99)).toEqual({ counts: [0, ...new Array(10).fill(10), 0], missing: 0 });
  });

  it("takes the first value of each chunk when B does not divide n", () => {
    // n = 5, B = 2: e_1 = s_⌈2.5⌉ = s_3 = 40 → [10,40) holds 10, 20, 30 and [40,50] holds 40, 50.
    const { edges } = referenceBins([50, 10, 40, 20, 30], { bins: 2 });
    expect(edges).toEqual([10, 40, 50]);
    expect(countBins(edges, [10, 20, 30, 40, 50]).counts).toEqual([0, 3, 2, 0]);
  });

  it("merges tied quantile edges, giving fewer bins", () => {
    // n = 6, B = 3: raw edges min 1, s_2 = 1, s_4 = 2, max 3 → [1, 1, 2, 3] → merged [1, 2, 3].
    const { edges } = referenceBins([1, 1, 1, 1, 2, 3], { bins: 3 });
    expect(edges).toEqual([1, 2, 3]);
    // [1,2) takes the four 1s; the closed [2,3] takes 2 and 3.
    expect(countBins(edges, [1, 1, 1, 1, 2, 3]).counts).toEqual([0, 4, 2, 0]);
  });

  it("spaces uniform edges evenly and ends exactly on the max", () => {
    // min 0, max 4, B = 4: e_j = j.
    expect(referenceBins([4, 0, 1], { bins: 4, method: "uniform" }).edges).toEqual([0, 1, 2, 3, 4]);
    // 0.3 / 3 is 0.09999999999999999 in floating point; the last edge must still be 0.3 itself,
    // so the reference max lands in the last regular bin, not in overflow.
    const { edges } = referenceBins([0, 0.3], { bins: 3, method: "uniform" });
    expect(edges).toHaveLength(4);
    expect(edges[3]).toBe(0.3);
    expect(countBins(edges, [0.3]).counts).toEqual([0, 0, 0, 1, 0]);
  });

  it("gives a constant reference the point bin [c, c]", () => {
    expect(referenceBins([5, 5, 5]).edges).toEqual([5, 5]);
    expect(referenceBins([5, 5], { method: "uniform" }).edges).toEqual([5, 5]);
    // 4 < 5 underflow, 5 in the point bin, 6 > 5 overflow.
    expect(countBins([5, 5], [4, 5, 6]).counts).toEqual([1, 1, 1]);
  });

  it("skips non-finite reference values and rejects a reference with none left", () => {
    // Finite values 0 and 1, two uniform bins → [0, 0.5, 1].
    expect(referenceBins([Number.NaN, 0, 1, Infinity], { bins: 2, method: "uniform" }).edges).toEqual([0, 0.5, 1]);
    expect(() => referenceBins([])).toThrow(/no finite values/);
    expect(() => referenceBins([Number.NaN, -Infinity])).toThrow(/no finite values/);
  });

  it("rejects a bin count that is not a positive integer", () => {
    expect(() => referenceBins([1, 2], { bins: 0 })).toThrow(/positive integer/);
    expect(() => referenceBins([1, 2], { bins: 1.5 })).toThrow(/positive integer/);
  });
});

describe("driftBinIndex", () => {
  it("puts values below e_0 in 0, [e_i, e_i+1) in i + 1, the max in the last regular bin, above it in k", () => {
    const edges = [0, 1, 2]; // layout: [< 0, [0,1), [1,2], > 2]
    expect([-0.1, 0, 0.5, 1, 1.99, 2, 2.1].map((v) => driftBinIndex(edges, v))).toEqual([0, 1, 1, 2, 2, 2, 3]);
  });

  it("finds bins among many edges", () => {
    // Edges 0, 10, …, 1000: value v in [0, 1000) is in regular bin ⌊v/10⌋, i.e. index ⌊v/10⌋ + 1.
    const edges = Array.from({ length: 101 }, (_, i) => i * 10);
    for (const v of [0, 9.99, 10, 505, 999]) expect(driftBinIndex(edges, v)).toBe(Math.floor(v / 10) + 1);
    expect(driftBinIndex(edges, 1000)).toBe(100);
    expect(driftBinIndex(edges, 1000.5)).toBe(101);
  });

  it("refuses non-finite values and malformed edges", () => {
    expect(() => driftBinIndex([0, 1], Number.NaN)).toThrow(/non-finite/);
    expect(() => driftBinIndex([0, 1], Infinity)).toThrow(/non-finite/);
    for (const bad of [[], [1], [0, 0, 1], [2, 1], [0, Number.NaN], [0, Infinity]]) {
      expect(() => driftBinIndex(bad, 0)).toThrow(/strictly increasing/);
    }
  });
});

describe("countBins", () => {
  it("counts underflow, regular bins and overflow, and non-finite values as missing", () => {
    // Edges [0,1,2,3,4]: -1 → underflow; 0, 0.999 → [0,1); 1 → [1,2); none in [2,3);
    // 3.5, 4 → [3,4]; 4.0001 → overflow; NaN and Infinity → missing.
    const values = [-1, 0, 0.999, 1, 3.5, 4, 4.0001, Number.NaN, Infinity];
    expect(countBins([0, 1, 2, 3, 4], values)).toEqual({ counts: [1, 2, 1, 0, 2, 1], missing: 2 });
  });

  it("returns all-zero counts of length edges + 1 for no values", () => {
    expect(countBins([0, 1, 2], [])).toEqual({ counts: [0, 0, 0, 0], missing: 0 });
    expect(() => countBins([1, 0], [])).toThrow(/strictly increasing/);
  });
});
