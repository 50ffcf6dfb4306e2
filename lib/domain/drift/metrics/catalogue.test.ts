import { describe, expect, it } from "vitest";
import { SeededRandom } from "../../random";
import { evaluateDrift } from "../report";
import { DEFAULT_THRESHOLDS, defaultThresholdsText, DRIFT_METRIC_DEFINITIONS, DRIFT_METRICS, EMBEDDING_METRIC, HEADLINE_DRIFT_METRIC, isDriftMetric, isThresholdMetric, THRESHOLD_METRICS } from "./catalogue";

/** Every check here runs over the catalogue, so a new metric is held to it without a new test. */
describe("the drift metric catalogue", () => {
  it("defines each metric fully: a label, defaults with warning ≤ drift, a formula", () => {
    const labels = DRIFT_METRICS.map((metric) => DRIFT_METRIC_DEFINITIONS[metric].label);
    expect(new Set(labels).size).toBe(DRIFT_METRICS.length);
    for (const metric of DRIFT_METRICS) {
      const { defaultThresholds, formula } = DRIFT_METRIC_DEFINITIONS[metric];
      expect(defaultThresholds.warning, metric).toBeGreaterThan(0);
      expect(defaultThresholds.drift, metric).toBeGreaterThanOrEqual(defaultThresholds.warning);
      expect(DEFAULT_THRESHOLDS[metric]).toEqual(defaultThresholds);
      expect(formula, metric).toMatch(/wᵢ/);
    }
    expect(DRIFT_METRICS).toContain(HEADLINE_DRIFT_METRIC);
  });

  it("measures 0 for identical distributions and never below 0", () => {
    const rng = new SeededRandom(3);
    for (const metric of DRIFT_METRICS) {
      const { measure } = DRIFT_METRIC_DEFINITIONS[metric];
      expect(measure([10, 20, 30, 0], [1, 2, 3, 0]), metric).toBe(0);
      for (let trial = 0; trial < 20; trial++) {
        const r = Array.from({ length: 6 }, () => rng.int(0, 50) + 1);
        const w = Array.from({ length: 6 }, () => rng.int(0, 50));
        w[0] = w[0]! + 1;
        expect(measure(r, w), metric).toBeGreaterThanOrEqual(0);
      }
    }
  });

  it("reports every metric of every judged feature", () => {
    const evaluation = evaluateDrift({
      references: { brightness: { kind: "numeric", edges: [0, 0.5, 1], counts: [0, 50, 50, 0], missing: 0 } },
      window: { brightness: { counts: [0, 150, 50, 0], missing: 0 } },
      predictionCount: 200,
      embedding: null,
      thresholds: [],
    });
    expect(Object.keys(evaluation.features[0]!.metrics).sort()).toEqual([...DRIFT_METRICS].sort());
    for (const metric of DRIFT_METRICS) expect(evaluation.features[0]!.metrics[metric], metric).toBeGreaterThan(0);
  });

  it("gives the embedding's metric thresholds of its own and tells metrics from other strings", () => {
    expect(THRESHOLD_METRICS).toEqual([...DRIFT_METRICS, EMBEDDING_METRIC]);
    expect(DEFAULT_THRESHOLDS.cosine).toEqual({ warning: 1, drift: 1.5 });
    expect(isDriftMetric("psi")).toBe(true);
    expect(isDriftMetric("cosine")).toBe(false);
    expect(isThresholdMetric("cosine")).toBe(true);
    expect(isThresholdMetric("PSI")).toBe(false);
  });

  it("states the defaults as the dashboard explains them", () => {
    expect(defaultThresholdsText("psi")).toBe("PSI < 0.1 stable, 0.1–0.2 warning, ≥ 0.2 drift");
    expect(defaultThresholdsText("kl")).toBe("KL < 0.05 stable, 0.05–0.1 warning, ≥ 0.1 drift");
  });
});
