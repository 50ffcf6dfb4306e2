import { describe, expect, it } from "vitest";
import { SeededRandom } from "../random";
import { bootstrapThreshold, cosineDistance, meanFromSum, meanVector, mergeVectorSums, sumVectors } from "./embedding";

const oneMinusHalfRoot2 = 1 - Math.SQRT1_2; // ≈ 0.292893

describe("cosineDistance", () => {
  it("is 0 for the same direction, 1 for orthogonal, 2 for opposite", () => {
    // [1,1]·[2,2] = 4 = √2·√8: distance 0 (up to rounding; clamped to ≥ 0).
    expect(cosineDistance([1, 1], [2, 2])).toBeCloseTo(0, 15);
    expect(cosineDistance([1, 1], [2, 2])).toBeGreaterThanOrEqual(0);
    expect(cosineDistance([1, 0], [0, 3])).toBe(1);
    expect(cosineDistance([1, 0], [-2, 0])).toBe(2);
  });

  it("matches a hand-computed angle of 45°", () => {
    // [1,0]·[1,1] = 1, |a|·|b| = √2: 1 − 1/√2.
    expect(cosineDistance([1, 0], [1, 1])).toBeCloseTo(oneMinusHalfRoot2, 15);
  });

  it("accepts Float32Array and number[] alike", () => {
    expect(cosineDistance(new Float32Array([1, 0]), [1, 1])).toBeCloseTo(oneMinusHalfRoot2, 15);
  });

  it("refuses zero vectors, empty vectors and different dimensions", () => {
    expect(() => cosineDistance([0, 0], [1, 0])).toThrow(/zero vector/);
    expect(() => cosineDistance([1, 0], new Float32Array(2))).toThrow(/zero vector/);
    expect(() => cosineDistance([], [])).toThrow(/empty/);
    expect(() => cosineDistance([1, 0], [1, 0, 0])).toThrow(/2 and 3/);
  });
});

describe("meanVector and its sum form", () => {
  it("averages element-wise", () => {
    // ([1,2] + [3,4] + [5,9]) / 3 = [9,15] / 3 = [3,5].
    expect(meanVector([[1, 2], new Float32Array([3, 4]), [5, 9]])).toEqual([3, 5]);
  });

  it("gives the same mean from partial sums merged in any grouping", () => {
    // Chunks {[1,2]} and {[3,4],[5,9]}: sums [1,2]·1 and [8,13]·2 → [9,15]·3 → [3,5].
    const first = sumVectors([[1, 2]]);
    const rest = sumVectors([[3, 4], [5, 9]]);
    expect(rest).toEqual({ sum: [8, 13], count: 2 });
    const merged = mergeVectorSums(first, rest);
    expect(merged).toEqual({ sum: [9, 15], count: 3 });
    expect(meanFromSum(merged)).toEqual([3, 5]);
    // An empty chunk (no predictions in that hour) merges as nothing.
    expect(mergeVectorSums(sumVectors([]), merged)).toEqual(merged);
    expect(mergeVectorSums(merged, sumVectors([]))).toEqual(merged);
  });

  it("refuses no vectors and mixed dimensions", () => {
    expect(() => meanVector([])).toThrow(/no vectors/);
    expect(() => meanVector([[1, 2], [1]])).toThrow(/2 and 1/);
    expect(() => mergeVectorSums(sumVectors([[1, 2]]), sumVectors([[1]]))).toThrow(/2 and 1/);
  });
});

describe("bootstrapThreshold", () => {
  it("finds 1 − 1/√2 when every window of one is one of two orthogonal vectors", () => {
    // Reference [1,0], [0,1]: mean [½,½]. A window of size 1 is either vector, at distance
    // 1 − ½/(√½·1) = 1 − 1/√2 from the mean, so every simulated distance and the threshold are that.
    const result = bootstrapThreshold([[1, 0], [0, 1]], { windowSize: 1, seed: 1 });
    expect(result.referenceMean).toEqual([0.5, 0.5]);
    expect(result.distances).toHaveLength(200);
    for (const d of result.distances) expect(d).toBeCloseTo(oneMinusHalfRoot2, 12);
    expect(result.threshold).toBeCloseTo(oneMinusHalfRoot2, 12);
  });

  it("is 0 for a reference of one repeated direction", () => {
    const result = bootstrapThreshold([[2, 1], [4, 2], [6, 3]], { windowSize: 3, samples: 20, seed: 5 });
    expect(result.threshold).toBeCloseTo(0, 12);
  });

  it("takes the nearest-rank quantile ⌈q·S⌉ of the sorted distances", () => {
    // Windows of 2 from {[1,0],[0,1]}: a mixed draw has sum [1,1], in the mean's direction
    // (distance 0); a repeated draw is at 1 − 1/√2. With k zeros among the S = 200 sorted
    // distances, q = k/S picks rank k (the last zero) and q = (k + 1)/S rank k + 1 (the first non-zero).
    const reference = [[1, 0], [0, 1]];
    const { distances } = bootstrapThreshold(reference, { windowSize: 2, seed: 3 });
    const zeros = distances.filter((d) => d < 1e-12).length;
    expect(zeros).toBeGreaterThan(50); // half of the draws are mixed on average
    expect(zeros).toBeLessThan(150);
    const at = (quantile: number) => bootstrapThreshold(reference, { windowSize: 2, seed: 3, quantile }).threshold;
    expect(at(zeros / 200)).toBeCloseTo(0, 12);
    expect(at((zeros + 1) / 200)).toBeCloseTo(oneMinusHalfRoot2, 12);
    expect(at(1)).toBe(distances[199]);
  });

  it("is deterministic for a seed, sorted, and 0.95 of 200 is the 190th distance", () => {
    const rng = new SeededRandom(42);
    const reference = Array.from({ length: 30 }, () => new Float32Array(Array.from({ length: 4 }, () => rng.range(-1, 1))));
    const a = bootstrapThreshold(reference, { windowSize: 5, seed: 9 });
    const b = bootstrapThreshold(reference, { windowSize: 5, seed: 9 });
    expect(b).toEqual(a);
    expect(a.distances).toEqual([...a.distances].sort((x, y) => x - y));
    expect(a.threshold).toBe(a.distances[189]);
    expect(bootstrapThreshold(reference, { windowSize: 5, seed: 10 }).distances).not.toEqual(a.distances);
    // 0.07 · 100 is 7.000000000000001 in floating point; the rank must still be 7, not 8.
    const small = bootstrapThreshold(reference, { windowSize: 5, samples: 100, quantile: 0.07, seed: 9 });
    expect(small.threshold).toBe(small.distances[6]);
    expect(small.distances[6]).not.toBe(small.distances[7]);
  });

  it("gives smaller thresholds for larger windows", () => {
    // The mean of more draws sits closer to the reference mean (spread ~ 1/√windowSize).
    const rng = new SeededRandom(4);
    const reference = Array.from({ length: 50 }, () => Array.from({ length: 8 }, () => rng.range(0, 1)));
    const small = bootstrapThreshold(reference, { windowSize: 5, seed: 1 }).threshold;
    const large = bootstrapThreshold(reference, { windowSize: 200, seed: 1 }).threshold;
    expect(large).toBeLessThan(small);
  });

  it("rejects bad options and an empty reference", () => {
    const reference = [[1, 0]];
    expect(() => bootstrapThreshold(reference, { windowSize: 0, seed: 1 })).toThrow(/windowSize/);
    expect(() => bootstrapThreshold(reference, { windowSize: 2.5, seed: 1 })).toThrow(/windowSize/);
    expect(() => bootstrapThreshold(reference, { windowSize: 2, samples: 0, seed: 1 })).toThrow(/samples/);
    expect(() => bootstrapThreshold(reference, { windowSize: 2, quantile: 0, seed: 1 })).toThrow(/quantile/);
    expect(() => bootstrapThreshold(reference, { windowSize: 2, quantile: 1.5, seed: 1 })).toThrow(/quantile/);
    expect(() => bootstrapThreshold(reference, { windowSize: 2, seed: 0.5 })).toThrow(/seed/);
    expect(() => bootstrapThreshold([], { windowSize: 2, seed: 1 })).toThrow(/no vectors/);
  });
});
