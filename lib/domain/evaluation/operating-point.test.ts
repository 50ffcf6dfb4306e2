import { describe, expect, it } from "vitest";
import { evaluateCoco } from "./coco-eval";
import { classOperatingPoints, operatingPoints } from "./operating-point";
import { det, gt, image, xywh } from "./test-helpers";
import { OUTCOME_FP, OUTCOME_IGNORED, OUTCOME_TP, type ClassMatches } from "./types";

const matches = (className: string, numGt: number, rows: Array<[score: number, outcome: number]>): ClassMatches => ({
  className,
  numGt,
  scores: Float64Array.from(rows.map((r) => r[0])),
  outcome: Uint8Array.from(rows.map((r) => r[1])),
});

// 4 gts; ranked .9 TP, .8 FP, .7 TP, .6 ignored, .5 FP.
const a = matches("a", 4, [
  [0.9, OUTCOME_TP],
  [0.8, OUTCOME_FP],
  [0.7, OUTCOME_TP],
  [0.6, OUTCOME_IGNORED],
  [0.5, OUTCOME_FP],
]);

describe("operating points", () => {
  it("counts the detections with score ≥ the threshold", () => {
    // At .65: .9 .8 .7 kept → TP 2, FP 1, FN 2: P = 2/3, R = 1/2, F1 = 2·(1/3)/(7/6) = 4/7.
    const r = classOperatingPoints(a.scores, a.outcome, a.numGt, 0.65);
    expect(r.atThreshold).toMatchObject({ threshold: 0.65, tp: 2, fp: 1, fn: 2 });
    expect(r.atThreshold.precision).toBeCloseTo(2 / 3, 15);
    expect(r.atThreshold.recall).toBe(0.5);
    expect(r.atThreshold.f1).toBeCloseTo(4 / 7, 15);
    // At .7 exactly, .7 is kept (≥): same counts.
    expect(classOperatingPoints(a.scores, a.outcome, a.numGt, 0.7).atThreshold).toMatchObject({ tp: 2, fp: 1 });
    // Above every score nothing is kept: P = 0 by definition, R = 0, F1 = 0.
    expect(classOperatingPoints(a.scores, a.outcome, a.numGt, 0.95).atThreshold).toMatchObject({ tp: 0, fp: 0, fn: 4, precision: 0, recall: 0, f1: 0 });
  });

  it("finds the best-F1 threshold, the highest one on a tie", () => {
    // F1 at each score: .9 → P 1, R .25 → .4; .8 → P .5, R .25 → 1/3; .7 → 4/7;
    // .6 → same counts (the ignored one does not count) → 4/7 again; .5 → P .5, R .5 → .5.
    // Best 4/7, at .7 (the higher of the tied .7 and .6).
    const best = classOperatingPoints(a.scores, a.outcome, a.numGt, 0.25).best!;
    expect(best.threshold).toBe(0.7);
    expect(best.f1).toBeCloseTo(4 / 7, 15);
    expect(best).toMatchObject({ tp: 2, fp: 1, fn: 2 });
  });

  it("only stops at the end of a run of equal scores", () => {
    // .9 FP and .9 TP together: one candidate at .9 with TP 1, FP 1 (never "TP 0, FP 1" alone).
    const tied = matches("t", 1, [
      [0.9, OUTCOME_FP],
      [0.9, OUTCOME_TP],
    ]);
    const r = classOperatingPoints(tied.scores, tied.outcome, 1, 0.5);
    expect(r.best).toMatchObject({ threshold: 0.9, tp: 1, fp: 1, precision: 0.5, recall: 1 });
  });

  it("samples the F1 curve at 0, 0.01, …, 1", () => {
    const r = classOperatingPoints(a.scores, a.outcome, a.numGt, 0.25);
    expect(r.f1Curve.confidence).toHaveLength(101);
    expect(r.f1Curve.confidence[70]).toBe(0.7);
    expect(r.f1Curve.f1[70]).toBeCloseTo(4 / 7, 15); // .7 is kept at confidence .7
    expect(r.f1Curve.f1[0]).toBeCloseTo(0.5, 15); // everything kept: TP 2, FP 2
    expect(r.f1Curve.f1[100]).toBe(0); // nothing kept
    expect(r.f1Curve.recall[90]).toBe(0.25);
  });

  it("reports recall and F1 as -1 for a class without ground truth, and no best point", () => {
    const none = matches("n", 0, [[0.9, OUTCOME_FP]]);
    const r = classOperatingPoints(none.scores, none.outcome, 0, 0.5);
    expect(r.atThreshold).toMatchObject({ tp: 0, fp: 1, precision: 0, recall: -1, f1: -1 });
    expect(r.best).toBeNull();
  });

  it("micro-averages by pooling every class's detections at one threshold", () => {
    // Class b: 1 gt, ranked .75 TP. Pooled: .9 TP, .8 FP, .75 TP, .7 TP, .6 ign, .5 FP; 5 gts.
    // At .65: TP 3, FP 1 → P .75, R .6, F1 = .9/1.35 = 2/3.
    // Best: .9 → 1/3 (P 1, R .2); .8 → 2·.5·.2/.7 = 2/7; .75 → P 2/3, R .4 → .5; .7 → 2/3;
    // .5 → P .6, R .6 → .6. Best 2/3 at .7.
    const b = matches("b", 1, [[0.75, OUTCOME_TP]]);
    const r = operatingPoints([a, b], 0.65);
    expect(r.perClass.map((c) => c.className)).toEqual(["a", "b"]);
    expect(r.micro.numGt).toBe(5);
    expect(r.micro.atThreshold).toMatchObject({ tp: 3, fp: 1, fn: 2, precision: 0.75, recall: 0.6 });
    expect(r.micro.atThreshold.f1).toBeCloseTo(2 / 3, 15);
    expect(r.micro.best!.threshold).toBe(0.7);
    expect(r.micro.best!.f1).toBeCloseTo(2 / 3, 15);
  });

  it("reads COCO's matches at IoU 0.5", () => {
    // One gt; a detection with IoU 0.6 (TP at 0.5) and a lower FP.
    const coco = evaluateCoco({
      classes: ["a"],
      images: [image("i", gt("a", xywh(0, 0, 10, 10)))],
      detections: [det("i", "a", xywh(0, 0, 10, 6), 0.8), det("i", "a", xywh(50, 50, 10, 10), 0.3)],
    });
    const r = operatingPoints(coco.matches50, 0.25);
    expect(r.perClass[0]!.atThreshold).toMatchObject({ tp: 1, fp: 1, fn: 0, precision: 0.5, recall: 1 });
    expect(r.perClass[0]!.best).toMatchObject({ threshold: 0.8, tp: 1, fp: 0, f1: 1 });
  });
});
