import { describe, expect, it } from "vitest";
import { PSI_THRESHOLDS } from "./metrics/psi";
import { MIN_WINDOW_PREDICTIONS, driftStatus, hasEnoughData } from "./status";

describe("driftStatus", () => {
  it("reads PSI as < 0.1 stable, [0.1, 0.2) warning, ≥ 0.2 drift, each threshold on the worse side", () => {
    expect(PSI_THRESHOLDS).toEqual({ warning: 0.1, drift: 0.2 });
    const cases: [number, string][] = [
      [0, "stable"],
      [0.0999, "stable"],
      [0.1, "warning"],
      [0.15, "warning"],
      [0.1999, "warning"],
      [0.2, "drift"],
      [4.6, "drift"],
      [Infinity, "drift"],
    ];
    for (const [value, status] of cases) {
      expect(driftStatus(value, PSI_THRESHOLDS)).toBe(status);
    }
  });

  it("uses the thresholds it is given (a bootstrapped cosine threshold, say)", () => {
    const cosine = { warning: 0.01, drift: 0.02 };
    expect(driftStatus(0.005, cosine)).toBe("stable");
    expect(driftStatus(0.01, cosine)).toBe("warning");
    expect(driftStatus(0.02, cosine)).toBe("drift");
    // Equal thresholds leave no warning band.
    expect(driftStatus(0.5, { warning: 0.5, drift: 0.5 })).toBe("drift");
    expect(driftStatus(0.49, { warning: 0.5, drift: 0.5 })).toBe("stable");
  });

  it("rejects NaN values and inverted or non-finite thresholds", () => {
    expect(() => driftStatus(Number.NaN, PSI_THRESHOLDS)).toThrow(/NaN/);
    expect(() => driftStatus(0.1, { warning: 0.3, drift: 0.2 })).toThrow(/warning ≤ drift/);
    expect(() => driftStatus(0.1, { warning: Number.NaN, drift: 0.2 })).toThrow(/finite/);
  });
});

describe("hasEnoughData", () => {
  it("judges windows from MIN_WINDOW_PREDICTIONS predictions on (the minimum itself counts)", () => {
    expect(MIN_WINDOW_PREDICTIONS).toBe(200);
    expect(hasEnoughData(0)).toBe(false);
    expect(hasEnoughData(199)).toBe(false);
    expect(hasEnoughData(200)).toBe(true);
    expect(hasEnoughData(1_000_000)).toBe(true);
    expect(hasEnoughData(9, 10)).toBe(false);
    expect(hasEnoughData(10, 10)).toBe(true);
  });
});
