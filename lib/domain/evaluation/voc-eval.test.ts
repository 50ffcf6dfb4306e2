import { describe, expect, it } from "vitest";
import { evaluateCoco } from "./coco-eval";
import { det, gt, image, xywh } from "./test-helpers";
import { OUTCOME_FP, OUTCOME_IGNORED, OUTCOME_TP } from "./types";
import { allPointAp, evaluateVoc } from "./voc-eval";

describe("evaluateVoc", () => {
  it("computes all-point AP by hand, with a difficult box, a duplicate and IoU exactly 0.5", () => {
    // Class a: img1 G1 (10 × 10), G2 difficult; img2 G3. npos = 2 (G2 does not count).
    //   .9  exact on G1            → TP (G1 taken)
    //   .85 exact on G2 (difficult) → neither TP nor FP (dropped)
    //   .8  exact on G1 again       → FP (duplicate)
    //   .7  top half of G3: IoU 50/100 = 0.5 ≥ 0.5 → TP
    //   .6  far away                → FP
    // tp = [1,1,2,2], fp = [0,1,1,2] → rec = [.5,.5,1,1], prec = [1,.5,2/3,.5]
    // mrec = [0,.5,.5,1,1,1], mpre = [0,1,.5,2/3,.5,0] → monotone [1,1,2/3,2/3,.5,0]
    // recall changes at i = 1 (0 → .5) and i = 3 (.5 → 1): AP = .5 · 1 + .5 · 2/3 = 5/6.
    // Class b: only a difficult gt → AP -1, left out. Class c: one gt, no detection → AP 0.
    // mAP = (5/6 + 0) / 2 = 5/12.
    const r = evaluateVoc({
      classes: ["a", "b", "c"],
      images: [
        image("img1", gt("a", xywh(0, 0, 10, 10)), gt("a", xywh(20, 0, 10, 10), { difficult: true }), gt("b", xywh(0, 50, 10, 10), { difficult: true })),
        image("img2", gt("a", xywh(0, 0, 10, 10)), gt("c", xywh(50, 50, 20, 20))),
      ],
      detections: [
        det("img1", "a", xywh(0, 0, 10, 10), 0.9),
        det("img1", "a", xywh(20, 0, 10, 10), 0.85),
        det("img1", "a", xywh(0, 0, 10, 10), 0.8),
        det("img2", "a", xywh(0, 0, 10, 5), 0.7),
        det("img2", "a", xywh(100, 100, 10, 10), 0.6),
        det("img1", "b", xywh(0, 50, 10, 10), 0.9),
      ],
    });
    expect(r.perClass[0]).toMatchObject({ className: "a", numGt: 2, numDifficult: 1, numDetections: 5, tp: 2, fp: 2 });
    expect(r.perClass[0]!.ap).toBeCloseTo(5 / 6, 14);
    expect(Array.from(r.matches[0]!.outcome)).toEqual([OUTCOME_TP, OUTCOME_IGNORED, OUTCOME_FP, OUTCOME_TP, OUTCOME_FP]);
    expect(r.perClass[1]).toMatchObject({ numGt: 0, numDifficult: 1, ap: -1 });
    expect(r.perClass[2]).toMatchObject({ numGt: 1, numDetections: 0, ap: 0 });
    expect(r.mAP50).toBeCloseTo(5 / 12, 14);
  });

  it("judges a detection by its best-overlapping gt even when that one is taken (unlike COCO)", () => {
    // G1 at x 0–10, G2 at x 4–14. d1 = G1 exactly takes G1. d2 at x 1–11: IoU with G1 = 90/110
    // = 0.818, with G2 = 70/130 = 0.538. VOC: best is G1, already taken → FP (AP = 1 · 0.5 = .5).
    // COCO: G1 is skipped as taken, G2 qualifies at 0.5 → TP (AP50 ≈ 1).
    const input = {
      classes: ["a"],
      images: [image("i", gt("a", xywh(0, 0, 10, 10)), gt("a", xywh(4, 0, 10, 10)))],
      detections: [det("i", "a", xywh(0, 0, 10, 10), 0.9), det("i", "a", xywh(1, 0, 10, 10), 0.8)],
    };
    const voc = evaluateVoc(input);
    expect(Array.from(voc.matches[0]!.outcome)).toEqual([OUTCOME_TP, OUTCOME_FP]);
    expect(voc.perClass[0]!.ap).toBe(0.5);
    expect(evaluateCoco(input).summary.AP50).toBeCloseTo(1, 12);
  });

  it("treats crowd boxes as difficult and ranks ties in input order across images", () => {
    // Crowd gt: a detection on it is dropped, and the class has no countable gt → AP -1.
    const crowd = evaluateVoc({
      classes: ["a"],
      images: [image("i", gt("a", xywh(0, 0, 100, 100), { iscrowd: true }))],
      detections: [det("i", "a", xywh(10, 10, 20, 20), 0.9)],
    });
    expect(crowd.perClass[0]).toMatchObject({ numGt: 0, numDifficult: 1, ap: -1, tp: 0, fp: 0 });
    expect(crowd.mAP50).toBe(-1);
    // Equal scores: the FP on "second" is listed first, so it ranks first: prec = [0, .5] →
    // monotone [.5, .5]: AP = 1 · .5 = .5 (COCO would rank by image order instead).
    const ties = evaluateVoc({
      classes: ["a"],
      images: [image("first", gt("a", xywh(0, 0, 10, 10))), image("second")],
      detections: [det("second", "a", xywh(0, 0, 10, 10), 0.5), det("first", "a", xywh(0, 0, 10, 10), 0.5)],
    });
    expect(ties.perClass[0]!.ap).toBe(0.5);
  });

  it("integrates precision over every recall change (not 11 points)", () => {
    // 4 gts; ranked TP FP TP TP FP: rec .25 .25 .5 .75 .75, prec 1 .5 2/3 .75 .6
    // monotone: [1, .75, .75, .75, .6]; AP = .25 · 1 + .25 · .75 + .25 · .75 = 0.625.
    const outcome = Uint8Array.from([OUTCOME_TP, OUTCOME_FP, OUTCOME_TP, OUTCOME_TP, OUTCOME_FP]);
    expect(allPointAp({ className: "a", numGt: 4, scores: new Float64Array(5), outcome })).toBeCloseTo(0.625, 15);
  });
});
