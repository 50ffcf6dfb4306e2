import { describe, expect, it } from "vitest";
import { splitQuotas, stratifiedSplit, type SplitCandidate } from "./split";

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
