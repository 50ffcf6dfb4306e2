import { describe, expect, it } from "vitest";
import { epochSamples, repeatFactors } from "./class-aware-sampling";

describe("repeat-factor sampling", () => {
  it("repeats images of rare classes by √(t / f_c) and leaves common ones alone", () => {
    // 100 images: all have class 0; 3 also have class 2 (f = 0.03). t = 0.3 → √10 ≈ 3.162.
    const images = Array.from({ length: 100 }, (_, i) => new Set(i < 3 ? [0, 2] : [0]));
    const factors = repeatFactors(images, 0.3);
    expect(factors[0]).toBeCloseTo(Math.sqrt(10), 10);
    expect(factors[50]).toBe(1);
    // An image without boxes is shown once.
    expect(repeatFactors([new Set<number>(), new Set([0])])).toEqual([1, 1]);
  });

  it("turns factors into whole repeats plus a seeded chance for the fraction", () => {
    const always = epochSamples([1, 2.5, 1], () => 0.1);
    expect(always).toEqual([0, 1, 1, 1, 2]);
    const never = epochSamples([1, 2.5, 1], () => 0.9);
    expect(never).toEqual([0, 1, 1, 2]);
  });
});
