import { describe, expect, it } from "vitest";
import { analyseErrors } from "./error-analysis";
import { det, gt, image, xywh } from "./test-helpers";
import { EvaluationInputError } from "./types";

const classes = ["a", "b"];
const zeroReasons = { duplicate: 0, wrong_class: 0, localization: 0, class_and_localization: 0, background: 0 };

describe("analyseErrors", () => {
  it("gives every false-positive reason, with the ground truth behind it", () => {
    // Boxes 10×10, far apart: A0 (a) at x 0, B1 (b) at x 100, A2 (a) at x 200, B3 (b) at x 300.
    //   d0 .9 a exactly on A0          → tp A0, IoU 1
    //   d1 .8 a 10×8 on A0             → A0 taken, IoU 80/100 = .8 ≥ .5 → duplicate (A0)
    //   d2 .7 a exactly on B1          → no a gt; B1 IoU 1 ≥ .5 → wrong_class (B1)
    //   d3 .6 a 10×2 on A2             → A2 IoU 20/100 = .2 ∈ [.1, .5) → localization (A2)
    //   d4 .5 a 10×3 on B3             → no a gt near; B3 IoU 30/100 = .3 → class_and_localization (B3)
    //   d5 .4 a far away               → overlaps nothing → background, gtIndex null, IoU 0
    //   d6 .3 b exactly on B3          → tp B3
    // Missed: B1 (only the a detection d2 covers it: bestIou 1, nearest d2) and A2 (d3 at .2).
    const input = {
      classes,
      images: [
        image("i", gt("a", xywh(0, 0, 10, 10)), gt("b", xywh(100, 0, 10, 10)), gt("a", xywh(200, 0, 10, 10)), gt("b", xywh(300, 0, 10, 10))),
      ],
      detections: [
        det("i", "a", xywh(0, 0, 10, 10), 0.9),
        det("i", "a", xywh(0, 0, 10, 8), 0.8),
        det("i", "a", xywh(100, 0, 10, 10), 0.7),
        det("i", "a", xywh(200, 0, 10, 2), 0.6),
        det("i", "a", xywh(300, 0, 10, 3), 0.5),
        det("i", "a", xywh(500, 500, 10, 10), 0.4),
        det("i", "b", xywh(300, 0, 10, 10), 0.3),
      ],
    };
    const r = analyseErrors(input);
    expect(r.detections.map((o) => [o.detectionIndex, o.kind, o.reason, o.gtIndex, o.iou, o.gtClassName])).toEqual([
      [0, "tp", undefined, 0, 1, "a"],
      [1, "fp", "duplicate", 0, 0.8, "a"],
      [2, "fp", "wrong_class", 1, 1, "b"],
      [3, "fp", "localization", 2, 0.2, "a"],
      [4, "fp", "class_and_localization", 3, 0.3, "b"],
      [5, "fp", "background", null, 0, undefined],
      [6, "tp", undefined, 3, 1, "b"],
    ]);
    expect(r.detections[0]).toEqual({
      detectionIndex: 0,
      imageId: "i",
      className: "a",
      box: xywh(0, 0, 10, 10),
      score: 0.9,
      kind: "tp",
      gtIndex: 0,
      iou: 1,
      gtClassName: "a",
    });
    expect(r.missed).toEqual([
      { imageId: "i", gtIndex: 1, className: "b", box: xywh(100, 0, 10, 10), bestIou: 1, nearestDetectionIndex: 2 },
      { imageId: "i", gtIndex: 2, className: "a", box: xywh(200, 0, 10, 10), bestIou: 0.2, nearestDetectionIndex: 3 },
    ]);
    const fpByReason = { duplicate: 1, wrong_class: 1, localization: 1, class_and_localization: 1, background: 1 };
    expect(r.images).toEqual([{ imageId: "i", tp: 2, fp: 5, missed: 2, fpByReason }]);
    expect(r.totals).toEqual({ tp: 2, fp: 5, missed: 2, fpByReason });
    expect([r.confidence, r.iouThreshold, r.backgroundIou]).toEqual([0.25, 0.5, 0.1]);
  });

  it("names the closest ground truth of a background false positive, and takes reasons in order", () => {
    // A 10×10 at 0, detection a shifted by 9: intersection 1×10 = 10, union 190 → IoU 1/19 < .1
    // → background, naming A (gtIndex 0, IoU 1/19).
    const r = analyseErrors({
      classes,
      images: [image("i", gt("a", xywh(0, 0, 10, 10)))],
      detections: [det("i", "a", xywh(9, 0, 10, 10), 0.9)],
    });
    expect(r.detections[0]).toMatchObject({ kind: "fp", reason: "background", gtIndex: 0, iou: 10 / 190, gtClassName: "a" });

    // A b box (gt 0) with IoU 1 and an a box (gt 1) with IoU 10×3/100 = .3: wrong_class (IoU ≥ τ
    // with another class) comes before localization (same class below τ).
    const order = analyseErrors({
      classes,
      images: [image("i", gt("b", xywh(0, 0, 10, 10)), gt("a", xywh(0, 0, 10, 3)))],
      detections: [det("i", "a", xywh(0, 0, 10, 10), 0.9)],
    });
    expect(order.detections[0]).toMatchObject({ kind: "fp", reason: "wrong_class", gtIndex: 0, iou: 1 });

    // Background naming the other class when it is closer: a shifted by 9.5 (intersection 0.5×10
    // = 5, union 195 → 1/39) and b shifted by 9 (1/19); both < .1 → background, naming b (gt 1).
    const closest = analyseErrors({
      classes,
      images: [image("i", gt("a", xywh(-9.5, 0, 10, 10)), gt("b", xywh(9, 0, 10, 10)))],
      detections: [det("i", "a", xywh(0, 0, 10, 10), 0.9)],
    });
    expect(closest.detections[0]).toMatchObject({ reason: "background", gtIndex: 1, iou: 10 / 190, gtClassName: "b" });
  });

  it("counts IoU exactly at the threshold as a match, and moves the boundary with iouThreshold", () => {
    // Detection 10×5 on a 10×10 gt: 50 / 100 = .5 exactly → tp at τ .5.
    const input = {
      classes,
      images: [image("i", gt("a", xywh(0, 0, 10, 10)))],
      detections: [det("i", "a", xywh(0, 0, 10, 5), 0.9)],
    };
    expect(analyseErrors(input).detections[0]).toMatchObject({ kind: "tp", iou: 0.5 });
    // At τ .6 the same .5 is a localization error and the gt is missed (bestIou .5, detection 0).
    const strict = analyseErrors(input, { iouThreshold: 0.6 });
    expect(strict.detections[0]).toMatchObject({ kind: "fp", reason: "localization", gtIndex: 0, iou: 0.5 });
    expect(strict.missed).toMatchObject([{ gtIndex: 0, bestIou: 0.5, nearestDetectionIndex: 0 }]);
    // IoU exactly β (10×1 on 10×10: .1) is still localization, not background.
    const edge = analyseErrors({ ...input, detections: [det("i", "a", xywh(0, 0, 10, 1), 0.9)] });
    expect(edge.detections[0]).toMatchObject({ reason: "localization", iou: 0.1 });
    // With backgroundIou .2 the same .1 becomes background.
    const wider = analyseErrors({ ...input, detections: [det("i", "a", xywh(0, 0, 10, 1), 0.9)] }, { backgroundIou: 0.2 });
    expect(wider.detections[0]).toMatchObject({ reason: "background", gtIndex: 0, iou: 0.1 });
  });

  it("breaks ties: equal scores by input order, equal IoUs by box order, and prefers the highest IoU", () => {
    // Two identical a detections at .9 on one gt: input order decides, d0 is tp, d1 the duplicate.
    const scores = analyseErrors({
      classes,
      images: [image("i", gt("a", xywh(0, 0, 10, 10)))],
      detections: [det("i", "a", xywh(0, 0, 10, 10), 0.9), det("i", "a", xywh(0, 0, 10, 10), 0.9)],
    });
    expect(scores.detections.map((o) => [o.detectionIndex, o.kind, o.reason])).toEqual([
      [0, "tp", undefined],
      [1, "fp", "duplicate"],
    ]);

    // A0 at x 0 and A1 at x 5 (both 10×10); d0 (.9) is 15×10 at 0: intersection 100 with each,
    // union 150 → 2/3 each, a tie → the first box, A0. d1 (.8) exactly on A0: A0 taken (IoU 1),
    // A1 only 50/150 = 1/3 < .5 → duplicate naming A0. A1 missed, nearest d0 at 2/3 (d1: 1/3).
    const boxes = analyseErrors({
      classes,
      images: [image("i", gt("a", xywh(0, 0, 10, 10)), gt("a", xywh(5, 0, 10, 10)))],
      detections: [det("i", "a", xywh(0, 0, 10, 10), 0.8), det("i", "a", xywh(0, 0, 15, 10), 0.9)],
    });
    expect(boxes.detections.map((o) => [o.detectionIndex, o.kind, o.reason, o.gtIndex, o.iou])).toEqual([
      [1, "tp", undefined, 0, 100 / 150],
      [0, "fp", "duplicate", 0, 1],
    ]);
    expect(boxes.missed).toMatchObject([{ gtIndex: 1, bestIou: 100 / 150, nearestDetectionIndex: 1 }]);

    // Of two free gts the detection takes the higher IoU even when later in box order:
    // gt 0 10×6 (IoU .6), gt 1 10×8 (IoU .8) → gt 1; gt 0 missed.
    const best = analyseErrors({
      classes,
      images: [image("i", gt("a", xywh(0, 0, 10, 6)), gt("a", xywh(0, 0, 10, 8)))],
      detections: [det("i", "a", xywh(0, 0, 10, 10), 0.9)],
    });
    expect(best.detections[0]).toMatchObject({ kind: "tp", gtIndex: 1, iou: 0.8 });
    expect(best.missed).toMatchObject([{ gtIndex: 0, bestIou: 0.6, nearestDetectionIndex: 0 }]);
  });

  it("matches per class: another class's detection never takes a ground truth", () => {
    // b (.9) exactly on A is wrong_class; the a detection (.8) still finds A free → tp.
    const r = analyseErrors({
      classes,
      images: [image("i", gt("a", xywh(0, 0, 10, 10)))],
      detections: [det("i", "b", xywh(0, 0, 10, 10), 0.9), det("i", "a", xywh(0, 0, 10, 10), 0.8)],
    });
    expect(r.detections.map((o) => [o.kind, o.reason])).toEqual([
      ["fp", "wrong_class"],
      ["tp", undefined],
    ]);
    expect(r.missed).toEqual([]);
  });

  it("ignores detections on crowd and ignore-flagged regions, which are never missed", () => {
    // gt 0: crowd a 100×100 at 0. gt 1: normal a 10×10 at 200. gt 2: ignore-flagged b at 400.
    //   d0 b 10×10 inside the crowd: crowd IoU = 100/100 = 1 → ignored (any class), gtIndex 0
    //   d1 a 10×10 at x 95: half inside, crowd IoU 50/100 = .5 ≥ .5 → ignored
    //   d2 a 10×10 at x 96: crowd IoU .4 and no normal box near → background, naming no box
    //   d3 a on gt 1 → tp; d4 and d5, two b's on the ignore box (normal IoU 1) → both ignored
    const r = analyseErrors({
      classes,
      images: [
        image(
          "i",
          gt("a", xywh(0, 0, 100, 100), { iscrowd: true }),
          gt("a", xywh(200, 0, 10, 10)),
          gt("b", xywh(400, 0, 10, 10), { ignore: true }),
        ),
      ],
      detections: [
        det("i", "b", xywh(10, 10, 10, 10), 0.9),
        det("i", "a", xywh(95, 0, 10, 10), 0.8),
        det("i", "a", xywh(96, 0, 10, 10), 0.7),
        det("i", "a", xywh(200, 0, 10, 10), 0.6),
        det("i", "b", xywh(400, 0, 10, 10), 0.5),
        det("i", "b", xywh(400, 0, 10, 10), 0.4),
      ],
    });
    expect(r.detections.map((o) => [o.kind, o.reason, o.gtIndex, o.iou])).toEqual([
      ["ignored", undefined, 0, 1],
      ["ignored", undefined, 0, 0.5],
      ["fp", "background", null, 0],
      ["tp", undefined, 1, 1],
      ["ignored", undefined, 2, 1],
      ["ignored", undefined, 2, 1],
    ]);
    expect(r.detections[0]!.gtClassName).toBe("a");
    expect(r.missed).toEqual([]);
    expect(r.totals).toEqual({ tp: 1, fp: 1, missed: 0, fpByReason: { ...zeroReasons, background: 1 } });

    // A free normal box wins over a crowd box around it: a on a normal box inside a crowd → tp.
    const inside = analyseErrors({
      classes,
      images: [image("i", gt("a", xywh(0, 0, 100, 100), { iscrowd: true }), gt("a", xywh(10, 10, 10, 10)))],
      detections: [det("i", "a", xywh(10, 10, 10, 10), 0.9), det("i", "a", xywh(10, 10, 10, 10), 0.8)],
    });
    // The second detection finds the normal box taken but lies in the crowd → ignored, not a duplicate.
    expect(inside.detections.map((o) => [o.kind, o.gtIndex])).toEqual([
      ["tp", 1],
      ["ignored", 0],
    ]);
  });

  it("keeps only detections with score ≥ confidence", () => {
    // The .2 detection is below .25: not listed, and the gt it covers is missed with no nearest.
    // A detection exactly at the confidence (.25) is kept.
    const input = {
      classes,
      images: [image("i", gt("a", xywh(0, 0, 10, 10)), gt("b", xywh(100, 0, 10, 10)))],
      detections: [det("i", "a", xywh(0, 0, 10, 10), 0.2), det("i", "b", xywh(100, 0, 10, 10), 0.25)],
    };
    const r = analyseErrors(input);
    expect(r.detections.map((o) => [o.detectionIndex, o.kind])).toEqual([[1, "tp"]]);
    expect(r.missed).toEqual([
      { imageId: "i", gtIndex: 0, className: "a", box: xywh(0, 0, 10, 10), bestIou: 0, nearestDetectionIndex: null },
    ]);
    // At confidence .1 both are kept and match.
    const low = analyseErrors(input, { confidence: 0.1 });
    expect(low.totals).toMatchObject({ tp: 2, fp: 0, missed: 0 });
    expect(low.confidence).toBe(0.1);
  });

  it("summarises every image in input order, including empty ones, and counts difficult boxes", () => {
    //  empty: no boxes, no detections → all zero
    //  unseen: two gts (one difficult) and no detections → 2 missed, bestIou 0, nearest null
    //  noise: no boxes, one detection → background fp naming no box
    //  good: one gt, one exact detection → 1 tp
    const r = analyseErrors({
      classes,
      images: [
        image("empty"),
        image("unseen", gt("a", xywh(0, 0, 10, 10)), gt("b", xywh(20, 0, 10, 10), { difficult: true })),
        image("noise"),
        image("good", gt("b", xywh(0, 0, 10, 10))),
      ],
      detections: [det("good", "b", xywh(0, 0, 10, 10), 0.9), det("noise", "a", xywh(0, 0, 10, 10), 0.5)],
    });
    expect(r.images).toEqual([
      { imageId: "empty", tp: 0, fp: 0, missed: 0, fpByReason: zeroReasons },
      { imageId: "unseen", tp: 0, fp: 0, missed: 2, fpByReason: zeroReasons },
      { imageId: "noise", tp: 0, fp: 1, missed: 0, fpByReason: { ...zeroReasons, background: 1 } },
      { imageId: "good", tp: 1, fp: 0, missed: 0, fpByReason: zeroReasons },
    ]);
    expect(r.missed.map((m) => [m.imageId, m.gtIndex, m.bestIou, m.nearestDetectionIndex])).toEqual([
      ["unseen", 0, 0, null],
      ["unseen", 1, 0, null],
    ]);
    // Detections come grouped by image order (noise before good), not input order.
    expect(r.detections.map((o) => [o.imageId, o.kind, o.reason, o.gtIndex])).toEqual([
      ["noise", "fp", "background", null],
      ["good", "tp", undefined, 0],
    ]);
    expect(r.totals).toEqual({ tp: 1, fp: 1, missed: 2, fpByReason: { ...zeroReasons, background: 1 } });
  });

  it("rejects unknown classes and images like every other metric", () => {
    const base = { classes, images: [image("i", gt("a", xywh(0, 0, 10, 10)))], detections: [] };
    expect(() => analyseErrors({ ...base, detections: [det("nope", "a", xywh(0, 0, 1, 1), 0.9)] })).toThrow(EvaluationInputError);
    expect(() => analyseErrors({ ...base, detections: [det("i", "c", xywh(0, 0, 1, 1), 0.9)] })).toThrow(EvaluationInputError);
    expect(() => analyseErrors({ ...base, images: [image("i", gt("c", xywh(0, 0, 1, 1)))] })).toThrow(EvaluationInputError);
  });
});
