import { describe, expect, it } from "vitest";
import type { FeatureReference } from "@/lib/domain/drift/features";
import { evaluateDrift } from "@/lib/domain/drift/report";
import { alertEventDetailColumn, baselineBootstrapColumn, baselineReferenceColumn, driftReportFeaturesColumn, featureDriftSchema } from "./monitoring";
import { parseStored, StoredJsonError } from "./parse";

const brightness: FeatureReference = { kind: "numeric", edges: [0, 0.5, 1], counts: [0, 50, 50, 0], missing: 0 };

describe("DriftReport.features", () => {
  it("reads back what a report stores, through JSON", () => {
    const evaluation = evaluateDrift({
      references: { brightness },
      window: { brightness: { counts: [0, 150, 50, 0], missing: 2 } },
      predictionCount: 200,
      embedding: null,
      thresholds: [],
    });
    const stored: unknown = JSON.parse(JSON.stringify(evaluation.features));
    expect(parseStored(driftReportFeaturesColumn, stored, "report-1")).toEqual(evaluation.features);
  });

  it("reads a report written before the metric catalogue (psi and kl in fields of their own)", () => {
    const legacy = { feature: "brightness", total: 200, missing: 3, counts: [0, 150, 50, 0], psi: 0.27, kl: 0.13, status: "drift", decidedBy: "psi" };
    expect(featureDriftSchema.parse(legacy)).toEqual({ feature: "brightness", total: 200, missing: 3, counts: [0, 150, 50, 0], metrics: { psi: 0.27, kl: 0.13 }, status: "drift", decidedBy: "psi" });
    const insufficient = { feature: "confidence", total: 0, missing: 0, counts: [0, 0], psi: null, kl: null, status: "insufficient", decidedBy: null };
    expect(featureDriftSchema.parse(insufficient)).toMatchObject({ metrics: { psi: null, kl: null }, status: "insufficient", decidedBy: null });
  });

  it("reads a metric the report predates as not measured", () => {
    const before = { feature: "brightness", total: 200, missing: 0, counts: [0, 100, 100, 0], metrics: { psi: 0 }, status: "stable", decidedBy: "psi" };
    expect(featureDriftSchema.parse(before).metrics).toEqual({ psi: 0, kl: null });
  });

  it("refuses what is not a feature's drift", () => {
    expect(() => featureDriftSchema.parse({ feature: "brightness", total: 1, missing: 0, counts: [1], metrics: { psi: 0, kl: 0 }, status: "calm", decidedBy: null })).toThrow();
    expect(() => parseStored(driftReportFeaturesColumn, { psi: 1 }, "report-2")).toThrow(StoredJsonError);
    expect(() => parseStored(driftReportFeaturesColumn, { psi: 1 }, "report-2")).toThrow(/DriftReport.features \(report-2\)/);
  });
});

describe("Baseline.reference and .bootstrap", () => {
  it("keeps the monitored features' references and drops any other", () => {
    const classMix: FeatureReference = { kind: "categorical", categories: ["with_mask"], counts: [3, 0] };
    expect(parseStored(baselineReferenceColumn, { brightness, class_mix: classMix, retired_feature: brightness }, "row-1")).toEqual({ brightness, class_mix: classMix });
    expect(() => parseStored(baselineReferenceColumn, { brightness: { kind: "numeric", edges: [0, 1] } }, "row-1")).toThrow();
  });

  it("reads a missing bootstrap table as empty and ignores extra columns of its rows", () => {
    expect(parseStored(baselineBootstrapColumn, null, "row-1")).toEqual([]);
    expect(parseStored(baselineBootstrapColumn, [{ windowSize: 50, threshold: 0.01, p50: 0.004 }], "row-1")).toEqual([{ windowSize: 50, threshold: 0.01 }]);
  });
});

describe("AlertEvent.detail", () => {
  it("reads each kind's detail, and none", () => {
    expect(parseStored(alertEventDetailColumn, null, "row-1")).toBeNull();
    expect(parseStored(alertEventDetailColumn, { feature: "brightness", metric: "psi", value: 0.3, threshold: 0.2, severity: "critical", reportId: "r1" }, "row-1")).toMatchObject({ metric: "psi", severity: "critical" });
    expect(parseStored(alertEventDetailColumn, { assigneeId: null, note: "on it" }, "row-1")).toEqual({ assigneeId: null, note: "on it" });
    expect(() => parseStored(alertEventDetailColumn, { images: "two" }, "row-1")).toThrow();
  });
});
