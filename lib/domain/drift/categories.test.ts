import { describe, expect, it } from "vitest";
import { categoryCounts, categoryCountsFromTotals, categoryLabels } from "./categories";

const classes = ["with_mask", "without_mask", "mask_weared_incorrect"];

describe("categoryCounts", () => {
  it("counts listed categories in order and everything else in the last, other bucket", () => {
    // with_mask ×2, without_mask ×1, mask_weared_incorrect ×0; "hat" and "" are unseen → other 2.
    const counts = categoryCounts(["with_mask", "hat", "without_mask", "with_mask", ""], classes);
    expect(counts).toEqual([2, 1, 0, 2]);
  });

  it("is case-sensitive: a differently spelled class is not the listed one", () => {
    // "With_Mask" is not "with_mask", so it goes to other.
    expect(categoryCounts(["With_Mask"], classes)).toEqual([0, 0, 0, 1]);
  });

  it("gives all zeros for no values and only an other bucket for no categories", () => {
    expect(categoryCounts([], classes)).toEqual([0, 0, 0, 0]);
    expect(categoryCounts(["a", "b"], [])).toEqual([2]);
  });

  it("rejects a category listed twice", () => {
    expect(() => categoryCounts([], ["a", "a"])).toThrow(/listed twice/);
  });
});

describe("categoryCountsFromTotals", () => {
  it("folds GROUP BY totals into the same layout as counting the raw values", () => {
    // cam-1: 40, cam-2: 7, and two unseen cameras 3 + 2 = 5 into other.
    const totals = new Map([
      ["cam-1", 40],
      ["cam-9", 3],
      ["cam-2", 7],
      ["cam-8", 2],
    ]);
    expect(categoryCountsFromTotals(totals, ["cam-1", "cam-2"])).toEqual([40, 7, 5]);
    const raw = ["cam-1", "cam-1", "cam-2", "cam-9"];
    expect(categoryCountsFromTotals(Object.entries({ "cam-1": 2, "cam-2": 1, "cam-9": 1 }), ["cam-1", "cam-2"])).toEqual(
      categoryCounts(raw, ["cam-1", "cam-2"]),
    );
  });

  it("rejects negative or non-finite totals", () => {
    expect(() => categoryCountsFromTotals([["a", -1]], ["a"])).toThrow(/non-negative/);
    expect(() => categoryCountsFromTotals([["a", Number.NaN]], ["a"])).toThrow(/non-negative/);
  });
});

describe("categoryLabels", () => {
  it("names the buckets of the layout", () => {
    expect(categoryLabels(["a", "b"])).toEqual(["a", "b", "other"]);
  });
});
