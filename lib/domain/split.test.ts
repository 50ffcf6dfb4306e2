import { describe, expect, it } from "vitest";
import { splitQuotas, stratifiedFolds, stratifiedSplit, type SplitCandidate } from "./split";

const items: SplitCandidate[] = Array.from({ length: 400 }, (_, i) => ({
  key: `img_${i}.png`,
  classes: i % 40 === 0 ? ["with_mask", "mask_weared_incorrect"] : i % 5 === 0 ? ["without_mask", "with_mask"] : i % 17 === 0 ? [] : ["with_mask"],
}));

const countBy = (split: Map<string, string>, filter: (item: SplitCandidate) => boolean) => {
  const counts: Record<string, number> = { train: 0, val: 0, test: 0 };
  for (const item of items.filter(filter)) counts[split.get(item.key)!]!++;
  return counts;
};

describe("stratifiedSplit", () => {
  it("assigns every image, close to 70/15/15 overall", () => {
    const split = stratifiedSplit(items, 1);
    expect(split.size).toBe(items.length);
    const all = countBy(split, () => true);
    expect(all.train).toBeGreaterThanOrEqual(276);
    expect(all.train).toBeLessThanOrEqual(284);
    expect(all.val).toBeGreaterThanOrEqual(56);
    expect(all.test).toBeGreaterThanOrEqual(56);
  });

  it("spreads a rare class over every split in proportion", () => {
    const rare = countBy(stratifiedSplit(items, 1), (i) => i.classes.includes("mask_weared_incorrect"));
    // 10 images: 7 / 1.5 / 1.5, the tied remainder goes to the earlier split.
    expect(rare).toEqual({ train: 7, val: 2, test: 1 });
    const three = stratifiedSplit([{ key: "a", classes: ["x"] }, { key: "b", classes: ["x"] }, { key: "c", classes: ["x"] }, ...Array.from({ length: 20 }, (_, i) => ({ key: `y${i}`, classes: ["y"] }))], 5, { train: 1, val: 1, test: 1 });
    expect(new Set(["a", "b", "c"].map((k) => three.get(k)))).toEqual(new Set(["train", "val", "test"]));
  });

  it("depends on the seed but not on input order", () => {
    const a = stratifiedSplit(items, 7);
    const b = stratifiedSplit([...items].reverse(), 7);
    expect([...b.entries()].sort()).toEqual([...a.entries()].sort());
    const c = stratifiedSplit(items, 8);
    expect(items.some((i) => a.get(i.key) !== c.get(i.key))).toBe(true);
  });

  it("rounds quotas by largest remainder and keeps every split alive from three images up", () => {
    const r = { train: 0.7, val: 0.15, test: 0.15 };
    expect(splitQuotas(4, r)).toEqual({ train: 2, val: 1, test: 1 });
    expect(splitQuotas(2, r)).toEqual({ train: 2, val: 0, test: 0 });
    expect(splitQuotas(100, r)).toEqual({ train: 70, val: 15, test: 15 });
    expect(splitQuotas(5, { train: 1, val: 0, test: 0 })).toEqual({ train: 5, val: 0, test: 0 });
  });

  it("rejects impossible ratios", () => {
    expect(() => stratifiedSplit(items, 1, { train: 0, val: 0, test: 0 })).toThrow(/ratios/);
  });
});

describe("stratifiedFolds", () => {
  it("puts every image in exactly one of k folds of sizes within one of each other", () => {
    const folds = stratifiedFolds(items, 4, 3);
    expect(folds.size).toBe(items.length);
    const sizes = [0, 1, 2, 3].map((f) => [...folds.values()].filter((v) => v === f).length);
    expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(items.length);
  });

  it("deals a rare class over the folds evenly (the rarest stratum is dealt first)", () => {
    const few = [...Array.from({ length: 4 }, (_, i) => ({ key: `rare${i}`, classes: ["r", "c"] })), ...Array.from({ length: 10 }, (_, i) => ({ key: `c${i}`, classes: ["c"] }))];
    const folds = stratifiedFolds(few, 4, 1);
    expect(new Set([0, 1, 2, 3].map((i) => folds.get(`rare${i}`)))).toEqual(new Set([0, 1, 2, 3]));
  });

  it("depends on the seed but not on input order, and refuses fewer than 2 folds", () => {
    expect(stratifiedFolds([...items].reverse(), 3, 9)).toEqual(stratifiedFolds(items, 3, 9));
    expect(stratifiedFolds(items, 3, 9)).not.toEqual(stratifiedFolds(items, 3, 10));
    expect(() => stratifiedFolds(items, 1, 1)).toThrow(/at least 2 folds/);
  });
});
