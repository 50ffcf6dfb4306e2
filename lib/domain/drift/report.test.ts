import { describe, expect, it } from "vitest";
import type { ReferenceSet, WindowCounts } from "./features";
import { DEFAULT_THRESHOLDS } from "./metrics/catalogue";
import { alertCandidates, bootstrapThresholdFor, evaluateDrift, thresholdsFor, type DriftEvaluation, type ThresholdSetting } from "./report";
import { worseStatus, type WindowStatus } from "./status";

// Hand-built references: two regular bins between under/overflow, the reference split 50/50.
const references: ReferenceSet = {
  brightness: { kind: "numeric", edges: [0, 0.5, 1], counts: [0, 50, 50, 0], missing: 0 },
  contrast: { kind: "numeric", edges: [0, 0.25, 0.5], counts: [0, 50, 50, 0], missing: 0 },
  confidence: { kind: "numeric", edges: [0.5, 0.75, 1], counts: [0, 50, 50, 0], missing: 0 },
  class_mix: { kind: "categorical", categories: ["mask", "no_mask"], counts: [60, 40, 0] },
};

/*
 * Out-of-range bins (features.ts comparisonCounts): with N = 100 reference values, q = 1/101 of
 * each side's total is added to its underflow and overflow bins, so both sides have the share
 * 1/103 there and their regular bins are scaled by the same 101/103. Those terms vanish:
 *   PSI = (a − ½)·ln(a / (1 − a)) · 101/103
 *   KL  = [a·ln(2a) + (1 − a)·ln(2(1 − a))] · 101/103
 */
const SHIFTED = [0, 150, 50, 0]; // a = 0.75: PSI = 0.25·ln 3 · 101/103 = 0.269320; KL = (0.75 ln 1.5 + 0.25 ln 0.5)·101/103 = 0.128272
const MILD = [0, 110, 90, 0]; // a = 0.55: PSI = 0.05·ln(11/9) · 101/103 = 0.009839; KL = (0.55 ln 1.1 + 0.45 ln 0.9)·101/103 = 0.004911
const MODERATE = [0, 140, 60, 0]; // a = 0.7: PSI = 0.2·ln(7/3) · 101/103 = 0.166169; KL = (0.7 ln 1.4 + 0.3 ln 0.6)·101/103 = 0.080685

function window(over: WindowCounts = {}): WindowCounts {
  return {
    brightness: { counts: [0, 100, 100, 0], missing: 0 },
    contrast: { counts: [0, 100, 100, 0], missing: 0 },
    confidence: { counts: [0, 150, 150, 0], missing: 0 },
    class_mix: { counts: [180, 120, 0], missing: 0 },
    ...over,
  };
}

function evaluate(over: Partial<Parameters<typeof evaluateDrift>[0]> = {}): DriftEvaluation {
  return evaluateDrift({ references, window: window(), predictionCount: 200, embedding: null, thresholds: [], ...over });
}

function featureOf(evaluation: DriftEvaluation, name: string) {
  const found = evaluation.features.find((f) => f.feature === name);
  if (!found) throw new Error(`no feature ${name} in the evaluation`);
  return found;
}

describe("thresholdsFor", () => {
  const settings: ThresholdSetting[] = [
    { feature: "brightness", metric: "psi", warning: 0.3, drift: 0.5 },
    { feature: "embedding", metric: "cosine", warning: 2, drift: 3 },
  ];

  it("uses the defaults where nothing is set", () => {
    expect(thresholdsFor("brightness", "psi", [])).toEqual({ warning: 0.1, drift: 0.2 });
    expect(thresholdsFor("brightness", "kl", [])).toEqual({ warning: 0.05, drift: 0.1 });
    expect(thresholdsFor("embedding", "cosine", [])).toEqual({ warning: 1, drift: 1.5 });
    // a setting for another feature or another metric does not apply
    expect(thresholdsFor("contrast", "psi", settings)).toEqual(DEFAULT_THRESHOLDS.psi);
    expect(thresholdsFor("brightness", "kl", settings)).toEqual(DEFAULT_THRESHOLDS.kl);
  });

  it("uses an override for its own feature and metric, without the setting's other fields", () => {
    expect(thresholdsFor("brightness", "psi", settings)).toEqual({ warning: 0.3, drift: 0.5 });
    expect(thresholdsFor("embedding", "cosine", settings)).toEqual({ warning: 2, drift: 3 });
  });
});

describe("bootstrapThresholdFor", () => {
  // deliberately unsorted
  const table = [
    { windowSize: 200, threshold: 0.05 },
    { windowSize: 50, threshold: 0.1 },
    { windowSize: 100, threshold: 0.07 },
  ];

  it("scales from the largest bootstrapped window size not above the window's, as 1/M", () => {
    expect(bootstrapThresholdFor(table, 100)).toBeCloseTo(0.07, 12); // exactly a tabulated size
    expect(bootstrapThresholdFor(table, 200)).toBeCloseTo(0.05, 12);
    expect(bootstrapThresholdFor(table, 150)).toBeCloseTo((0.07 * 100) / 150, 12); // from 100 ≤ 150 < 200
    expect(bootstrapThresholdFor(table, 199)).toBeCloseTo((0.07 * 100) / 199, 12);
    expect(bootstrapThresholdFor(table, 100_000)).toBeCloseTo((0.05 * 200) / 100_000, 12);
  });

  it("adds the baseline's own noise: t(W) · W · (1/M + 1/N)", () => {
    // W = 200, t = 0.05; M = 200, N = 200 → 0.05 · 200 · (1/200 + 1/200) = 0.1
    expect(bootstrapThresholdFor(table, 200, 200)).toBeCloseTo(0.1, 12);
    // a huge window against 1,000 reference images: the floor 0.05 · 200 / 1000 = 0.01
    expect(bootstrapThresholdFor(table, 1e9, 1000)).toBeCloseTo(0.01 + (0.05 * 200) / 1e9, 12);
  });

  it("scales from the smallest size for a window below it", () => {
    expect(bootstrapThresholdFor(table, 10)).toBeCloseTo((0.1 * 50) / 10, 12);
    expect(bootstrapThresholdFor(table, 99)).toBeCloseTo((0.1 * 50) / 99, 12);
  });

  it("throws for an empty table", () => {
    expect(() => bootstrapThresholdFor([], 200)).toThrow(/empty/);
  });
});

describe("worseStatus", () => {
  it("orders insufficient < stable < warning < drift, either way round", () => {
    const order: WindowStatus[] = ["insufficient", "stable", "warning", "drift"];
    for (let i = 0; i < order.length; i++) {
      for (let j = 0; j < order.length; j++) {
        const expected = order[Math.max(i, j)];
        expect(worseStatus(order[i]!, order[j]!), `${order[i]} vs ${order[j]}`).toBe(expected);
      }
    }
  });
});

describe("evaluateDrift", () => {
  it("reads a window distributed as the reference as psi 0, kl 0, stable", () => {
    const evaluation = evaluate();
    expect(evaluation.status).toBe("stable");
    expect(evaluation.predictionCount).toBe(200);
    // MONITORED_FEATURES order, only the features both sides have
    expect(evaluation.features.map((f) => f.feature)).toEqual(["brightness", "contrast", "confidence", "class_mix"]);
    for (const f of evaluation.features) {
      expect(f.metrics.psi, f.feature).toBe(0);
      expect(f.metrics.kl, f.feature).toBe(0);
      expect(f.status, f.feature).toBe("stable");
      expect(f.decidedBy, f.feature).toBe("psi");
    }
    // totals are the window's counts summed; counts and missing are passed through
    expect(featureOf(evaluation, "confidence")).toMatchObject({ total: 300, missing: 0, counts: [0, 150, 150, 0] });
    expect(evaluation.embedding).toBeNull();
  });

  it("reads a shifted window as drift, decided by PSI when both metrics agree", () => {
    const evaluation = evaluate({ window: window({ brightness: { counts: SHIFTED, missing: 3 } }) });
    const brightness = featureOf(evaluation, "brightness");
    expect(brightness.metrics.psi).toBeCloseTo(0.26932, 6);
    expect(brightness.metrics.kl).toBeCloseTo(0.128272, 6);
    expect(brightness).toMatchObject({ status: "drift", decidedBy: "psi", total: 200, missing: 3 });
    expect(featureOf(evaluation, "contrast").status).toBe("stable");
    expect(evaluation.status).toBe("drift");
  });

  it("lets KL decide when its thresholds are stricter", () => {
    // MILD: PSI 0.009839 < 0.1 (stable); KL 0.004911 ≥ 0.004 (warning with the override)
    const thresholds: ThresholdSetting[] = [{ feature: "brightness", metric: "kl", warning: 0.004, drift: 0.02 }];
    const evaluation = evaluate({ window: window({ brightness: { counts: MILD, missing: 0 } }), thresholds });
    const brightness = featureOf(evaluation, "brightness");
    expect(brightness.metrics.psi).toBeCloseTo(0.009839, 6);
    expect(brightness.metrics.kl).toBeCloseTo(0.004911, 6);
    expect(brightness).toMatchObject({ status: "warning", decidedBy: "kl" });
    expect(evaluation.status).toBe("warning");
    // without the override the same window is stable on both
    expect(featureOf(evaluate({ window: window({ brightness: { counts: MILD, missing: 0 } }) }), "brightness").status).toBe("stable");
  });

  it("calls a window with fewer predictions than the minimum insufficient, features included", () => {
    const evaluation = evaluate({ window: window({ brightness: { counts: SHIFTED, missing: 0 } }), predictionCount: 199, embedding: { distance: 0.5, bootstrapThreshold: 0.01 } });
    expect(evaluation.status).toBe("insufficient");
    expect(evaluation.features).toHaveLength(4);
    for (const f of evaluation.features) expect(f, f.feature).toMatchObject({ status: "insufficient", metrics: { psi: null, kl: null }, decidedBy: null });
    expect(featureOf(evaluation, "brightness").total).toBe(200);
    expect(evaluation.embedding).toBeNull();
  });

  it("honours a custom minimum", () => {
    const evaluation = evaluate({ window: window({ brightness: { counts: SHIFTED, missing: 0 } }), predictionCount: 50, minimumPredictions: 50 });
    expect(evaluation.status).toBe("drift");
    expect(evaluate({ predictionCount: 49, minimumPredictions: 50 }).status).toBe("insufficient");
  });

  it("marks a feature with no values in the window insufficient and judges the others", () => {
    // no box at all in the window: every value of confidence is missing, the class mix is empty
    const evaluation = evaluate({
      window: window({ confidence: { counts: [0, 0, 0, 0], missing: 0 }, class_mix: { counts: [0, 0, 0], missing: 0 }, contrast: { counts: MODERATE, missing: 0 } }),
    });
    expect(featureOf(evaluation, "confidence")).toMatchObject({ status: "insufficient", total: 0, metrics: { psi: null, kl: null }, decidedBy: null });
    expect(featureOf(evaluation, "class_mix").status).toBe("insufficient");
    expect(featureOf(evaluation, "brightness")).toMatchObject({ status: "stable", metrics: { psi: 0 } });
    // MODERATE: PSI 0.166169 in [0.1, 0.2) and KL 0.080685 in [0.05, 0.1): warning on both
    expect(featureOf(evaluation, "contrast")).toMatchObject({ status: "warning", decidedBy: "psi" });
    // an insufficient feature does not make the window insufficient
    expect(evaluation.status).toBe("warning");
  });

  it("skips a feature the window or the reference lacks", () => {
    const { confidence: _dropped, ...partial } = window();
    const evaluation = evaluate({ window: partial });
    expect(evaluation.features.map((f) => f.feature)).not.toContain("confidence");
    expect(evaluation.features).toHaveLength(3);
  });

  it("judges the embedding against the cosine factors × the bootstrap threshold", () => {
    // default factors 1 and 1.5 of 0.01: warning at 0.01, drift at 0.015
    const warn = evaluate({ embedding: { distance: 0.012, bootstrapThreshold: 0.01 } });
    expect(warn.embedding).toMatchObject({ distance: 0.012, bootstrapThreshold: 0.01, status: "warning" });
    expect(warn.embedding!.warning).toBeCloseTo(0.01, 12);
    expect(warn.embedding!.drift).toBeCloseTo(0.015, 12);
    expect(warn.status).toBe("warning"); // features all stable; the embedding makes it a warning
    expect(evaluate({ embedding: { distance: 0.02, bootstrapThreshold: 0.01 } }).embedding!.status).toBe("drift");
    expect(evaluate({ embedding: { distance: 0.005, bootstrapThreshold: 0.01 } }).embedding!.status).toBe("stable");
    // factors 2 and 3: warning at 0.02, drift at 0.03, so 0.025 is only a warning now
    const thresholds: ThresholdSetting[] = [{ feature: "embedding", metric: "cosine", warning: 2, drift: 3 }];
    const custom = evaluate({ embedding: { distance: 0.025, bootstrapThreshold: 0.01 }, thresholds });
    expect(custom.embedding!.status).toBe("warning");
    expect(custom.embedding!.drift).toBeCloseTo(0.03, 12);
  });
});

describe("alertCandidates", () => {
  it("proposes one alert per feature at warning or drift, with the metric and threshold crossed", () => {
    const evaluation = evaluate({
      window: window({ brightness: { counts: SHIFTED, missing: 0 }, contrast: { counts: MODERATE, missing: 0 }, confidence: { counts: [0, 0, 0, 0], missing: 0 } }),
      embedding: { distance: 0.02, bootstrapThreshold: 0.01 },
    });
    const candidates = alertCandidates(evaluation, []);
    expect(candidates).toHaveLength(3);
    const [brightness, contrast, embedding] = candidates;
    expect(brightness).toMatchObject({ feature: "brightness", metric: "psi", threshold: 0.2, severity: "critical" });
    expect(brightness!.value).toBeCloseTo(0.26932, 6);
    expect(contrast).toMatchObject({ feature: "contrast", metric: "psi", threshold: 0.1, severity: "warning" });
    expect(contrast!.value).toBeCloseTo(0.166169, 6);
    // distance 0.02 ≥ 1.5 × 0.01: critical, crossing the drift line 0.015
    expect(embedding).toMatchObject({ feature: "embedding", metric: "cosine", value: 0.02, severity: "critical" });
    expect(embedding!.threshold).toBeCloseTo(0.015, 12);
  });

  it("reports the KL value and threshold when KL decided", () => {
    const thresholds: ThresholdSetting[] = [{ feature: "brightness", metric: "kl", warning: 0.004, drift: 0.02 }];
    const evaluation = evaluate({ window: window({ brightness: { counts: MILD, missing: 0 } }), thresholds });
    const candidates = alertCandidates(evaluation, thresholds);
    expect(candidates).toHaveLength(1);
    expect(candidates[0]).toMatchObject({ feature: "brightness", metric: "kl", threshold: 0.004, severity: "warning" });
    expect(candidates[0]!.value).toBeCloseTo(0.004911, 6);
  });

  it("proposes a warning-level embedding alert at the warning line", () => {
    const candidates = alertCandidates(evaluate({ embedding: { distance: 0.012, bootstrapThreshold: 0.01 } }), []);
    expect(candidates).toHaveLength(1);
    expect(candidates[0]).toMatchObject({ feature: "embedding", metric: "cosine", value: 0.012, severity: "warning" });
    expect(candidates[0]!.threshold).toBeCloseTo(0.01, 12);
  });

  it("proposes nothing for stable or insufficient features and windows", () => {
    expect(alertCandidates(evaluate({ embedding: { distance: 0.001, bootstrapThreshold: 0.01 } }), [])).toEqual([]);
    const insufficient = evaluate({ window: window({ brightness: { counts: SHIFTED, missing: 0 } }), predictionCount: 10, embedding: { distance: 0.5, bootstrapThreshold: 0.01 } });
    expect(alertCandidates(insufficient, [])).toEqual([]);
  });
});
