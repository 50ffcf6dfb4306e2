import { describe, expect, it } from "vitest";
import { SeededRandom } from "../random";
import { DEFAULT_EPSILON, smoothedProportions } from "./divergence";
import { klDivergence } from "./metrics/kl";
import { psi } from "./metrics/psi";

describe("psi", () => {
  it("is exactly 0 for identical distributions, also with different totals and shared empty bins", () => {
    // 10/60 and 1/6 round to the same double (as do 20/60 and 2/6), and the empty last bin is
    // floored the same way on both sides, so every term is 0 · 0.
    expect(psi([10, 20, 30, 0], [1, 2, 3, 0])).toBe(0);
    expect(psi([5], [7])).toBe(0);
  });

  it("matches a hand-computed 2-bin case", () => {
    // r = (½, ½), w = (¾, ¼), nothing below ε:
    // (¾ − ½)·ln(¾/½) + (¼ − ½)·ln(¼/½) = ¼·ln 1.5 + ¼·ln 2 = ¼·ln 3 ≈ 0.274653.
    expect(psi([1, 1], [3, 1])).toBeCloseTo(Math.log(3) / 4, 12);
  });

  it("matches a hand-computed 3-bin case", () => {
    // r = (½, ¼, ¼), w = (¼, ¼, ½): (−¼)·ln ½ + 0 + ¼·ln 2 = ½·ln 2 ≈ 0.346574.
    expect(psi([2, 1, 1], [1, 1, 2])).toBeCloseTo(Math.log(2) / 2, 12);
  });

  it("floors an empty reference bin at ε and renormalises", () => {
    // ε = 0.1: r = (1, 0) → (1, 0.1)/1.1; w = (½, ½).
    // (½ − 1/1.1)·ln(0.55) + (½ − 0.1/1.1)·ln(5.5) = (9/22)·(ln 5.5 − ln 0.55) = (9/22)·ln 10 ≈ 0.941966.
    expect(psi([1, 0], [1, 1], { epsilon: 0.1 })).toBeCloseTo((9 / 22) * Math.log(10), 12);
    // In general this case is ½(1 − ε)/(1 + ε) · ln(1/ε); with the default ε = 1e-4 ≈ 4.604.
    expect(psi([1, 0], [1, 1])).toBeCloseTo(((0.5 * (1 - 1e-4)) / (1 + 1e-4)) * Math.log(1e4), 12);
    expect(DEFAULT_EPSILON).toBe(1e-4);
  });

  it("floors an empty window bin the same way (PSI is symmetric)", () => {
    // The mirror of the case above: the same (9/22)·ln 10.
    expect(psi([1, 1], [1, 0], { epsilon: 0.1 })).toBeCloseTo((9 / 22) * Math.log(10), 12);
  });

  it("is exactly symmetric and equals KL(w ‖ r) + KL(r ‖ w) on random counts", () => {
    // Each term (w − r)(ln w − ln r) only changes sign twice when the sides swap, so the sums are
    // bitwise equal; the Jeffreys identity holds up to rounding.
    const rng = new SeededRandom(7);
    for (let trial = 0; trial < 50; trial++) {
      const bins = rng.int(1, 12);
      const r = Array.from({ length: bins }, () => (rng.chance(0.2) ? 0 : rng.int(0, 500)));
      const w = Array.from({ length: bins }, () => (rng.chance(0.2) ? 0 : rng.int(0, 500)));
      r[0] = r[0]! + 1; // never an all-zero side
      w[bins - 1] = w[bins - 1]! + 1;
      expect(psi(r, w)).toBe(psi(w, r));
      expect(psi(r, w)).toBeCloseTo(klDivergence(w, r) + klDivergence(r, w), 10);
      expect(psi(r, w)).toBeGreaterThanOrEqual(0);
    }
  });
});

describe("klDivergence", () => {
  it("is exactly 0 for identical distributions", () => {
    expect(klDivergence([1, 2, 3, 0], [10, 20, 30, 0])).toBe(0);
  });

  it("is KL(window ‖ reference): window first, not symmetric", () => {
    // w = (¾, ¼), r = (½, ½): ¾·ln 1.5 + ¼·ln ½ = ¾·ln 3 − ln 2 ≈ 0.130812.
    expect(klDivergence([3, 1], [1, 1])).toBeCloseTo(0.75 * Math.log(3) - Math.log(2), 12);
    // Swapped, KL(r ‖ w) = ½·ln(⅔) + ½·ln 2 = ½·ln(4/3) ≈ 0.143841: a different number.
    expect(klDivergence([1, 1], [3, 1])).toBeCloseTo(0.5 * Math.log(4 / 3), 12);
  });

  it("matches a hand-computed 3-bin case", () => {
    // w = (¼, ¼, ½), r = (½, ¼, ¼): ¼·ln ½ + 0 + ½·ln 2 = ¼·ln 2 ≈ 0.173287.
    expect(klDivergence([1, 1, 2], [2, 1, 1])).toBeCloseTo(Math.log(2) / 4, 12);
  });

  it("stays finite with an empty bin in the reference or in the window", () => {
    // Empty reference bin, ε = 0.1: w = (½, ½), r = (1, 0.1)/1.1 →
    // ½·ln(0.55) + ½·ln(5.5) = ½·ln(3.025) ≈ 0.553455.
    expect(klDivergence([1, 1], [1, 0], { epsilon: 0.1 })).toBeCloseTo(0.5 * Math.log(3.025), 12);
    // Empty window bin, ε = 0.1: w = (10/11, 1/11), r = (½, ½) →
    // (10/11)·ln(20/11) + (1/11)·ln(2/11) ≈ 0.388511.
    expect(klDivergence([1, 0], [1, 1], { epsilon: 0.1 })).toBeCloseTo(
      (10 / 11) * Math.log(20 / 11) + (1 / 11) * Math.log(2 / 11),
      12,
    );
  });

  it("is never negative on random counts", () => {
    // Gibbs' inequality holds for the renormalised proportions; rounding never shows through.
    const rng = new SeededRandom(11);
    for (let trial = 0; trial < 100; trial++) {
      const bins = rng.int(1, 10);
      const w = Array.from({ length: bins }, () => rng.int(0, 3));
      const r = w.map((c) => (rng.chance(0.5) ? c : rng.int(0, 3)));
      w[0] = w[0]! + 1;
      r[0] = r[0]! + 1;
      expect(klDivergence(w, r)).toBeGreaterThanOrEqual(0);
    }
  });
});

describe("validation", () => {
  it("rejects bins of different lengths, negative or non-finite counts, empty totals and bad ε", () => {
    // The message names the reference first; klDivergence takes the window first.
    expect(() => psi([1, 2], [1, 2, 3])).toThrow(/reference and window have 2 and 3 bins/);
    expect(() => klDivergence([1, 2], [1, 2, 3])).toThrow(/reference and window have 3 and 2 bins/);
    for (const divergence of [psi, klDivergence]) {
      expect(() => divergence([1, -1], [1, 1])).toThrow(/bin 1 has count -1/);
      expect(() => divergence([1, 1], [1, Number.NaN])).toThrow(/count NaN/);
      expect(() => divergence([1, 1], [1, Infinity])).toThrow(/finite/);
      expect(() => divergence([0, 0], [1, 1])).toThrow(/empty/);
      expect(() => divergence([1, 1], [0, 0])).toThrow(/empty/);
      expect(() => divergence([], [])).toThrow(/no bins/);
      expect(() => divergence([1, 1], [1, 1], { epsilon: 0 })).toThrow(/epsilon/);
      expect(() => divergence([1, 1], [1, 1], { epsilon: 1 })).toThrow(/epsilon/);
    }
  });
});

describe("smoothedProportions", () => {
  it("floors proportions at ε and renormalises them to sum to 1", () => {
    // (3, 0, 1)/4 = (0.75, 0, 0.25) → floored (0.75, 0.1, 0.25), total 1.1 → (0.75, 0.1, 0.25)/1.1.
    const p = smoothedProportions([3, 0, 1], 0.1);
    [0.75 / 1.1, 0.1 / 1.1, 0.25 / 1.1].forEach((expected, i) => expect(p[i]).toBeCloseTo(expected, 15));
    // Proportions already ≥ ε are left as they are: (¼, ¾).
    expect(smoothedProportions([1, 3])).toEqual([0.25, 0.75]);
  });
});
