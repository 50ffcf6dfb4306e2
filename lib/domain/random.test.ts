import { describe, expect, it } from "vitest";
import { SeededRandom, deriveSeed } from "./random";

describe("SeededRandom", () => {
  it("repeats the same sequence for the same seed and differs for another", () => {
    const a = new SeededRandom(7);
    const b = new SeededRandom(7);
    const c = new SeededRandom(8);
    const seqA = Array.from({ length: 20 }, () => a.next());
    expect(Array.from({ length: 20 }, () => b.next())).toEqual(seqA);
    expect(Array.from({ length: 20 }, () => c.next())).not.toEqual(seqA);
  });

  it("keeps int() within its inclusive bounds and reaches both ends", () => {
    const rng = new SeededRandom(1);
    const seen = new Set<number>();
    for (let i = 0; i < 2000; i++) {
      const v = rng.int(3, 6);
      expect(v).toBeGreaterThanOrEqual(3);
      expect(v).toBeLessThanOrEqual(6);
      seen.add(v);
    }
    expect([...seen].sort()).toEqual([3, 4, 5, 6]);
  });

  it("draws weighted keys in proportion to their weights", () => {
    const rng = new SeededRandom(3);
    const counts = { a: 0, b: 0 };
    for (let i = 0; i < 20000; i++) counts[rng.weighted({ a: 0.8, b: 0.2 })]++;
    expect(counts.a / 20000).toBeCloseTo(0.8, 1);
  });

  it("derives distinct seeds per index", () => {
    const seeds = new Set(Array.from({ length: 1000 }, (_, i) => deriveSeed(42, i)));
    expect(seeds.size).toBe(1000);
  });
});
