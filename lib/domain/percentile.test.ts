import { describe, expect, it } from "vitest";
import { mean, percentile } from "./percentile";

describe("percentile (nearest rank)", () => {
  it("is the ⌈p·n⌉-th smallest value, whatever the input order", () => {
    const values = [15, 20, 35, 40, 50];
    expect(percentile(values, 5)).toBe(15);
    expect(percentile(values, 30)).toBe(20);
    expect(percentile(values, 40)).toBe(20);
    expect(percentile(values, 50)).toBe(35);
    expect(percentile(values, 100)).toBe(50);
    expect(percentile([50, 15, 40, 35, 20], 50)).toBe(35);
  });

  it("p95 of 20 runs is the 19th smallest; of fewer than 20 it is the slowest", () => {
    const twenty = Array.from({ length: 20 }, (_, i) => i + 1);
    expect(percentile(twenty, 95)).toBe(19);
    expect(percentile(twenty, 50)).toBe(10);
    expect(percentile([3, 1, 2], 95)).toBe(3);
  });

  it("is always a measured value, p0 the minimum, and leaves its input alone", () => {
    const values = [9, 2, 7];
    expect(percentile(values, 0)).toBe(2);
    expect(values).toContain(percentile(values, 63));
    expect(values).toEqual([9, 2, 7]);
    expect(percentile([4], 95)).toBe(4);
  });

  it("is NaN for no values and rejects p outside 0..100", () => {
    expect(percentile([], 50)).toBeNaN();
    expect(() => percentile([1], 101)).toThrow(RangeError);
    expect(() => percentile([1], Number.NaN)).toThrow(RangeError);
  });
});

describe("mean", () => {
  it("averages, NaN for none", () => {
    expect(mean([1, 2, 3, 6])).toBe(3);
    expect(mean([])).toBeNaN();
  });
});
