import { describe, expect, it } from "vitest";
import {
  COCO_IOU_THRESHOLDS,
  COCO_RECALL_THRESHOLDS,
  evaluateCoco,
  formatCocoSummary,
  formatFixed3,
  interpolatedPrCurve,
  precisionIndex,
} from "./coco-eval";
import { prepareEvaluation } from "./prepared";
import { det, gt, image, ONE_TP, xywh } from "./test-helpers";
import { EvaluationInputError, OUTCOME_FP, OUTCOME_IGNORED, OUTCOME_TP } from "./types";

const P = 12; // decimal places for toBeCloseTo where a mean of equal values may differ in the last bit

describe("COCO parameters", () => {
  it("uses numpy.linspace's thresholds (0.9 is 0.8999999999999999 there, and matters for IoU == t)", () => {
    expect(Array.from(COCO_IOU_THRESHOLDS)).toEqual([0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.8999999999999999, 0.95]);
    expect(COCO_RECALL_THRESHOLDS.length).toBe(101);
    expect(COCO_RECALL_THRESHOLDS[57]).toBe(0.5700000000000001); // 57 * 0.01 + 0, as numpy computes it
    expect(COCO_RECALL_THRESHOLDS[100]).toBe(1);
  });
});

describe("evaluateCoco", () => {
  it("gives AP 1 for perfect detections, and 1 / (1 + np.spacing(1)) for one gt and one detection", () => {
    // Two large gts, two exact detections: at every IoU threshold tp = [1, 2], fp = [0, 0],
    // rc = [0.5, 1], pr = [1/(1+2^-52), 2/(2+2^-52) = 1] → monotone [1, 1] → every sample 1.
    const two = evaluateCoco({
      classes: ["a"],
      images: [image("i", gt("a", xywh(0, 0, 100, 100)), gt("a", xywh(200, 0, 100, 100)))],
      detections: [det("i", "a", xywh(0, 0, 100, 100), 0.9), det("i", "a", xywh(200, 0, 100, 100), 0.8)],
    });
    expect(two.summary.AP).toBe(1);
    expect(two.summary.AP50).toBe(1);
    expect(two.summary.AR100).toBe(1);
    expect(two.summary.APl).toBe(1); // 100 × 100 = 10000 > 96²
    expect(two.summary.APs).toBe(-1); // no small gt
    expect(two.summary.APm).toBe(-1);
    expect(two.summary.ARs).toBe(-1);
    // One gt, one detection: pr = 1 / (1 + np.spacing(1)) at all 101 recall thresholds.
    const one = evaluateCoco({
      classes: ["a"],
      images: [image("i", gt("a", xywh(0, 0, 100, 100)))],
      detections: [det("i", "a", xywh(0, 0, 100, 100), 0.9)],
    });
    expect(one.precision[precisionIndex(1, 0, 50, 0, 0, 2)]).toBe(ONE_TP);
    expect(one.summary.AP50).toBeCloseTo(ONE_TP, 15);
    expect(one.summary.AP50).toBeLessThan(1);
  });

  it("gives AP 0 and AR 0 without detections", () => {
    const r = evaluateCoco({ classes: ["a"], images: [image("i", gt("a", xywh(0, 0, 50, 50)))], detections: [] });
    expect(r.summary.AP).toBe(0);
    expect(r.summary.AR100).toBe(0);
    expect(r.summary.APm).toBe(0); // 2500 px²: medium
    expect(r.perClass[0]).toMatchObject({ className: "a", numGt: 1, numDetections: 0, AP: 0, AP50: 0 });
  });

  it("gives -1 for a class without ground truth and leaves it out of the means", () => {
    // Class a is perfect (AP 1); class b has no gt, only a false positive: -1, not 0.
    const r = evaluateCoco({
      classes: ["a", "b"],
      images: [image("i", gt("a", xywh(0, 0, 100, 100)), gt("a", xywh(200, 0, 100, 100)))],
      detections: [
        det("i", "a", xywh(0, 0, 100, 100), 0.9),
        det("i", "a", xywh(200, 0, 100, 100), 0.8),
        det("i", "b", xywh(0, 200, 100, 100), 0.95),
      ],
    });
    expect(r.perClass.map((c) => c.AP)).toEqual([1, -1]);
    expect(r.perClass[1]).toMatchObject({ AP50: -1, AR100: -1, numGt: 0, numDetections: 1 });
    expect(r.summary.AP).toBe(1);
    expect(r.summary.AR100).toBe(1);
  });

  it("matches at IoU exactly equal to the threshold (pycocotools skips only iou < t)", () => {
    // gt 10 × 10, detection its top half: IoU = 50 / 100 = 0.5 exactly → a match at t = 0.50
    // only. t = .50: rc = [1], pr = [1/(1+eps)] → 101 samples of ONE_TP; t ≥ .55: rc = [0],
    // pr = [0] → 0. AP = 101 · ONE_TP / 1010 ≈ 0.1, AR = 1/10.
    const atHalf = evaluateCoco({
      classes: ["a"],
      images: [image("i", gt("a", xywh(0, 0, 10, 10)))],
      detections: [det("i", "a", xywh(0, 0, 10, 5), 0.9)],
    });
    expect(atHalf.summary.AP50).toBeCloseTo(ONE_TP, 15);
    expect(atHalf.summary.AP75).toBe(0);
    expect(atHalf.summary.AP).toBeCloseTo(0.1, P);
    expect(atHalf.summary.AR100).toBeCloseTo(0.1, P);
    expect(atHalf.matches50[0]!.outcome[0]).toBe(OUTCOME_TP);
    // A hair less (IoU 0.4999) is no match at all.
    const below = evaluateCoco({
      classes: ["a"],
      images: [image("i", gt("a", xywh(0, 0, 10, 10)))],
      detections: [det("i", "a", xywh(0, 0, 10, 4.999), 0.9)],
    });
    expect(below.summary.AP50).toBe(0);
    // IoU 0.7 = 70/100 equals linspace's 0.7: matched at .50 .55 .60 .65 .70 (5 of 10 thresholds).
    const at07 = evaluateCoco({
      classes: ["a"],
      images: [image("i", gt("a", xywh(0, 0, 10, 10)))],
      detections: [det("i", "a", xywh(0, 0, 10, 7), 0.9)],
    });
    expect(at07.summary.AP).toBeCloseTo(0.5, P);
    expect(at07.summary.AR100).toBeCloseTo(0.5, P);
  });

  it("lets a crowd region absorb any number of detections, with IoU over the detection's area", () => {
    // gt A (normal) and crowd C 200 × 200. d1 = A exactly (TP); d2, d3 lie inside C: crowd IoU =
    // inter / det area = 1 → matched to C, which is ignored → ignored (C is never "taken");
    // d4 elsewhere is a FP. npig = 1. Ranked: TP, ign, ign, FP → tp = [1,1,1,1], fp = [0,0,0,1],
    // rc = [1,1,1,1], pr = [x, x, x, 0.5] (x = ONE_TP) → every sample x.
    const input = (iscrowd: boolean) => ({
      classes: ["a"],
      images: [image("i", gt("a", xywh(0, 0, 100, 100)), gt("a", xywh(200, 0, 200, 200), { iscrowd }))],
      detections: [
        det("i", "a", xywh(0, 0, 100, 100), 0.9),
        det("i", "a", xywh(250, 50, 50, 50), 0.8),
        det("i", "a", xywh(300, 100, 40, 40), 0.7),
        det("i", "a", xywh(0, 300, 50, 50), 0.6),
      ],
    });
    const crowd = evaluateCoco(input(true));
    expect(crowd.summary.AP).toBeCloseTo(1, P);
    expect(crowd.perClass[0]!.numGt).toBe(1);
    expect(Array.from(crowd.matches50[0]!.outcome)).toEqual([OUTCOME_TP, OUTCOME_IGNORED, OUTCOME_IGNORED, OUTCOME_FP]);
    // Without the flag C is a normal gt: d2's IoU is 2500 / 40000 = 0.0625, so d2, d3 are FPs,
    // C is missed: tp = [1,1,1,1], fp = [0,1,2,3], rc = [.5,.5,.5,.5] → samples r ≤ .5 (51 of
    // 101) get x, the rest 0: AP = 51 x / 101.
    const normal = evaluateCoco(input(false));
    expect(normal.summary.AP).toBeCloseTo(51 / 101, P);
  });

  it("treats an ignore flag like crowd except that it absorbs one detection per threshold", () => {
    // A normal, B ignore. d1 → B (ignored), d2 → B is taken and not crowd → unmatched → FP,
    // d3 → A (TP). tp = [0,0,1], fp = [0,1,1], rc = [0,0,1], pr = [0,0,.5] → monotone .5 → AP .5.
    const input = (flags: { ignore?: boolean; iscrowd?: boolean }) => ({
      classes: ["a"],
      images: [image("i", gt("a", xywh(0, 0, 50, 50)), gt("a", xywh(100, 0, 50, 50), flags))],
      detections: [
        det("i", "a", xywh(100, 0, 50, 50), 0.9),
        det("i", "a", xywh(100, 0, 50, 50), 0.8),
        det("i", "a", xywh(0, 0, 50, 50), 0.7),
      ],
    });
    const ignored = evaluateCoco(input({ ignore: true }));
    expect(ignored.summary.AP).toBe(0.5);
    expect(ignored.perClass[0]!.numGt).toBe(1);
    expect(Array.from(ignored.matches50[0]!.outcome)).toEqual([OUTCOME_IGNORED, OUTCOME_FP, OUTCOME_TP]);
    // As a crowd, B absorbs d2 too: tp = [0,0,1], fp = [0,0,0] → pr[2] = x → AP ≈ 1.
    expect(evaluateCoco(input({ iscrowd: true })).summary.AP).toBeCloseTo(1, P);
  });

  it("prefers a non-ignored gt over a better-overlapping ignored one, while the former qualifies", () => {
    // det = 10 × 10; N (normal) = its top 60 % (IoU 0.6), G (ignored) = its top 90 % (IoU 0.9).
    // Gts are sorted non-ignored first; once det holds N, reaching G breaks the loop. So for
    // t ≤ 0.6 (3 thresholds) det is a TP; for t ≥ 0.65 N fails, det takes G and is ignored:
    // tp = fp = 0 → all samples 0. AP = 3 · 101 · x / 1010 ≈ 0.3; AR = 3/10.
    const r = evaluateCoco({
      classes: ["a"],
      images: [image("i", gt("a", xywh(0, 0, 10, 9), { ignore: true }), gt("a", xywh(0, 0, 10, 6)))],
      detections: [det("i", "a", xywh(0, 0, 10, 10), 0.9)],
    });
    expect(r.summary.AP).toBeCloseTo(0.3, P);
    expect(r.summary.AR100).toBeCloseTo(0.3, P);
  });

  it("breaks score ties by input order within an image (stable mergesort)", () => {
    // One gt; a FP and a TP with equal scores. FP first: tp = [0,1], fp = [1,1], rc = [0,1],
    // pr = [0,.5] → monotone [.5,.5] → AP .5. TP first: pr = [x, .5] → monotone [x,.5], every
    // threshold r has rc[0] = 1 ≥ r → AP = x ≈ 1.
    const run = (fpFirst: boolean) => {
      const fp = det("i", "a", xywh(200, 200, 50, 50), 0.5);
      const tp = det("i", "a", xywh(0, 0, 50, 50), 0.5);
      return evaluateCoco({ classes: ["a"], images: [image("i", gt("a", xywh(0, 0, 50, 50)))], detections: fpFirst ? [fp, tp] : [tp, fp] });
    };
    expect(run(true).summary.AP).toBe(0.5);
    expect(run(false).summary.AP).toBeCloseTo(1, P);
  });

  it("breaks score ties across images by image order, not by detection order", () => {
    // Image "first" holds a FP, image "second" a TP, same score; listing the TP first changes
    // nothing: pycocotools concatenates images in order, then sorts stably → FP first → AP .5.
    const r = evaluateCoco({
      classes: ["a"],
      images: [image("first"), image("second", gt("a", xywh(0, 0, 50, 50)))],
      detections: [det("second", "a", xywh(0, 0, 50, 50), 0.5), det("first", "a", xywh(0, 0, 50, 50), 0.5)],
    });
    expect(r.summary.AP).toBe(0.5);
  });

  it("keeps the top maxDets per image: AR1 vs AR10, and truncation before matching", () => {
    // Three gts, three exact detections .9 .8 .7: AR1 sees one per image (1/3), AR10 all three.
    const three = evaluateCoco({
      classes: ["a"],
      images: [image("i", gt("a", xywh(0, 0, 50, 50)), gt("a", xywh(100, 0, 50, 50)), gt("a", xywh(200, 0, 50, 50)))],
      detections: [
        det("i", "a", xywh(0, 0, 50, 50), 0.9),
        det("i", "a", xywh(100, 0, 50, 50), 0.8),
        det("i", "a", xywh(200, 0, 50, 50), 0.7),
      ],
    });
    expect(three.summary.AR1).toBeCloseTo(1 / 3, P);
    expect(three.summary.AR10).toBe(1);
    expect(three.summary.AR100).toBe(1);
    // 100 higher-scored FPs push the only correct detection (the 101st) out before matching.
    const fps = Array.from({ length: 100 }, (_, n) => det("i", "a", xywh(300 + n, 300, 10, 10), 0.5 + n / 1000));
    const crowded = evaluateCoco({
      classes: ["a"],
      images: [image("i", gt("a", xywh(0, 0, 50, 50)))],
      detections: [...fps, det("i", "a", xywh(0, 0, 50, 50), 0.1)],
    });
    expect(crowded.summary.AR100).toBe(0);
    expect(crowded.summary.AP).toBe(0);
    expect(crowded.perClass[0]!.numDetections).toBe(100);
  });

  it("splits small / medium / large by the gt's area and ignores out-of-range detections", () => {
    // gts: small 20² = 400, medium 50² = 2500, large 100² = 10000. Detections: large exact (.9),
    // small exact (.8), a 10 × 10 FP (.7).
    // small: large det → ignored large gt → ignored; small det TP; FP (area 100, in range) FP:
    //   tp = [0,1,1], fp = [0,0,1], rc = [0,1,1], pr = [0,x,.5] → monotone [x,x,.5] → APs = x.
    // medium: both exact detections hit ignored gts, the FP is out of range → all ignored:
    //   tp = fp = 0 → APm = 0, ARm = 0.
    // large: large det TP, small det → ignored gt, FP out of range → APl = x.
    // all: tp = [1,2,2], fp = [0,0,1], rc = [1/3,2/3,2/3], pr = [x,1,2/3] → monotone [1,1,2/3]:
    //   r ≤ 2/3 (r = 0 … 0.66: 67 thresholds) → 1, the other 34 → 0: AP = 67/101; AR = 2/3.
    const r = evaluateCoco({
      classes: ["a"],
      images: [image("i", gt("a", xywh(0, 0, 20, 20)), gt("a", xywh(100, 0, 50, 50)), gt("a", xywh(200, 0, 100, 100)))],
      detections: [
        det("i", "a", xywh(200, 0, 100, 100), 0.9),
        det("i", "a", xywh(0, 0, 20, 20), 0.8),
        det("i", "a", xywh(400, 400, 10, 10), 0.7),
      ],
    });
    expect(r.summary.APs).toBeCloseTo(1, P);
    expect(r.summary.APm).toBe(0);
    expect(r.summary.ARm).toBe(0);
    expect(r.summary.APl).toBeCloseTo(1, P);
    expect(r.summary.AP).toBeCloseTo(67 / 101, P);
    expect(r.summary.AR100).toBeCloseTo(2 / 3, P);
  });

  it("uses the annotation's area field, with inclusive bounds (32² is both small and medium)", () => {
    const r = evaluateCoco({
      classes: ["a"],
      images: [image("i", gt("a", xywh(0, 0, 32, 32)), gt("a", xywh(100, 0, 10, 10), { area: 20000 }))],
      detections: [det("i", "a", xywh(0, 0, 32, 32), 0.9)],
    });
    // 32 × 32 = 1024: in small [0, 1024] and medium [1024, 9216], found → APs = APm = x.
    expect(r.summary.APs).toBeCloseTo(1, P);
    expect(r.summary.APm).toBeCloseTo(1, P);
    // The 10 × 10 box declares area 20000: it counts as large (and is missed): APl = 0.
    expect(r.summary.APl).toBe(0);
  });

  it("computes a multi-image, multi-class case by hand", () => {
    // Class a (3 gts, 10 × 10, all small): ranked .9 TP (img1), .8 FP (img1), .7 TP (img2),
    // .6 TP (img1), same at every IoU threshold (exact boxes, the FP overlaps nothing).
    //   tp = [1,1,2,3], fp = [0,1,1,1], rc = [1/3,1/3,2/3,1], pr = [x,.5,2/3,.75]
    //   monotone → [x,.75,.75,.75]; r ≤ 1/3 (0 … 0.33: 34 thresholds) → x, the other 67 → .75
    //   AP_a = (34 x + 67 · .75) / 101 ≈ 84.25 / 101 = 0.834158…
    // Class b (1 gt on img2): one detection with IoU 70/100 = 0.7 → TP at the 5 thresholds
    //   .50 … .70, nothing above: AP_b ≈ 0.5, AP50_b = x, AR_b = 0.5.
    // AP = (AP_a + AP_b) / 2; AP50 = (AP_a + x) / 2; AR100 = (1 + .5) / 2 = .75;
    // AR1: class a keeps the top detection per image: img1 .9 TP, img2 .7 TP → 2/3; b 0.5.
    const r = evaluateCoco({
      classes: ["a", "b"],
      images: [
        image("img1", gt("a", xywh(0, 0, 10, 10)), gt("a", xywh(20, 0, 10, 10))),
        image("img2", gt("a", xywh(0, 0, 10, 10)), gt("b", xywh(40, 40, 10, 10))),
      ],
      detections: [
        det("img1", "a", xywh(0, 0, 10, 10), 0.9),
        det("img1", "a", xywh(50, 50, 10, 10), 0.8),
        det("img2", "a", xywh(0, 0, 10, 10), 0.7),
        det("img1", "a", xywh(20, 0, 10, 10), 0.6),
        det("img2", "b", xywh(40, 40, 10, 7), 0.5),
      ],
    });
    const apA = (34 + 67 * 0.75) / 101;
    expect(r.perClass[0]!.AP).toBeCloseTo(apA, P);
    expect(r.perClass[0]!.AP50).toBeCloseTo(apA, P);
    expect(r.perClass[1]!.AP).toBeCloseTo(0.5, P);
    expect(r.perClass[1]!.AP50).toBeCloseTo(1, P);
    expect(r.summary.AP).toBeCloseTo((apA + 0.5) / 2, P);
    expect(r.summary.AP50).toBeCloseTo((apA + 1) / 2, P);
    expect(r.summary.AP75).toBeCloseTo(apA / 2, P);
    expect(r.summary.AR100).toBeCloseTo(0.75, P);
    expect(r.summary.AR1).toBeCloseTo((2 / 3 + 0.5) / 2, P);
    expect(r.summary.APs).toBeCloseTo(r.summary.AP, 15);
    expect(r.summary.APm).toBe(-1);
    expect(r.summary.APl).toBe(-1);
    const curve = interpolatedPrCurve(r, 0);
    expect(curve.precision[33]).toBe(ONE_TP);
    expect(curve.precision[34]).toBe(0.75);
    expect(curve.precision[100]).toBe(0.75);
  });

  it("names the offending detection when the input cannot be evaluated", () => {
    const images = [image("a.jpg", gt("a", xywh(0, 0, 10, 10)))];
    expect(() => evaluateCoco({ classes: ["a"], images, detections: [det("b.jpg", "a", xywh(0, 0, 1, 1), 1)] })).toThrow(
      new EvaluationInputError('detection 1: image "b.jpg" is not in the ground truth'),
    );
    expect(() => prepareEvaluation({ classes: ["a"], images, detections: [det("a.jpg", "z", xywh(0, 0, 1, 1), 1)] })).toThrow(
      'detection 1 (image "a.jpg"): class "z" is not one of a',
    );
    expect(() => prepareEvaluation({ classes: ["a"], images, detections: [det("a.jpg", "a", xywh(0, 0, 1, 1), Number.NaN)] })).toThrow(
      "score null is not a finite number",
    );
  });
});

describe("formatCocoSummary", () => {
  it("prints summarize()'s lines, rounding exact ties to even like Python", () => {
    expect(formatFixed3(0.0625)).toBe("0.062");
    expect(formatFixed3(0.1875)).toBe("0.188");
    expect(formatFixed3(0.0005)).toBe("0.001"); // 0.0005 is a little above its decimal value
    expect(formatFixed3(-1)).toBe("-1.000");
    const text = formatCocoSummary({ AP: 0.0625, AP50: 1, AP75: 0, APs: -1, APm: 0.5, APl: 0.25, AR1: 0.1, AR10: 0.2, AR100: 0.3, ARs: -1, ARm: 0.4, ARl: 0.5 });
    const lines = text.split("\n");
    expect(lines).toHaveLength(12);
    // the strings Python's iStr.format(...) gives
    expect(lines[0]).toBe(" Average Precision  (AP) @[ IoU=0.50:0.95 | area=   all | maxDets=100 ] = 0.062");
    expect(lines[1]).toBe(" Average Precision  (AP) @[ IoU=0.50      | area=   all | maxDets=100 ] = 1.000");
    expect(lines[6]).toBe(" Average Recall     (AR) @[ IoU=0.50:0.95 | area=   all | maxDets=  1 ] = 0.100");
    expect(lines[9]).toBe(" Average Recall     (AR) @[ IoU=0.50:0.95 | area= small | maxDets=100 ] = -1.000");
  });
});
