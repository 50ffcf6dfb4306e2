import { describe, expect, it } from "vitest";
import { FACEMASK_CLASSES } from "../classes";
import { evaluateDetections } from "./report";
import { det, gt, image, xywh } from "./test-helpers";

describe("evaluateDetections", () => {
  it("puts every metric of one evaluation in one report", () => {
    // with_mask: 2 gts found exactly (.9, .8) plus a FP (.3); without_mask: 1 gt, found (.6);
    // mask_weared_incorrect: no gt, one FP (.2, under the .25 confidence).
    const r = evaluateDetections({
      classes: FACEMASK_CLASSES,
      images: [
        image("a.jpg", gt("with_mask", xywh(0, 0, 40, 40)), gt("without_mask", xywh(100, 0, 40, 40))),
        image("b.jpg", gt("with_mask", xywh(0, 0, 40, 40), { difficult: true })),
      ],
      detections: [
        det("a.jpg", "with_mask", xywh(0, 0, 40, 40), 0.9),
        det("b.jpg", "with_mask", xywh(0, 0, 40, 40), 0.8),
        det("a.jpg", "with_mask", xywh(200, 200, 40, 40), 0.3),
        det("a.jpg", "without_mask", xywh(100, 0, 40, 40), 0.6),
        det("b.jpg", "mask_weared_incorrect", xywh(50, 50, 40, 40), 0.2),
      ],
    });
    expect(r.images).toBe(2);
    expect(r.detections).toBe(5);
    // COCO counts the difficult box (2 with_mask gts, both found first → AP ≈ 1); VOC ignores it
    // and drops its detection, so VOC also finds 1 of 1 ranked first → 1.
    expect(r.perClass.map((c) => [c.className, c.numGt, c.vocNumGt])).toEqual([
      ["with_mask", 2, 1],
      ["without_mask", 1, 1],
      ["mask_weared_incorrect", 0, 0],
    ]);
    expect(r.AP).toBeCloseTo(1, 12);
    expect(r.vocMAP50).toBe(1);
    expect(r.perClass[2]!.AP).toBe(-1);
    expect(r.perClass[0]!.atConfidence).toMatchObject({ tp: 2, fp: 1, fn: 0 });
    expect(r.perClass[0]!.bestF1).toMatchObject({ threshold: 0.8, f1: 1 });
    expect(r.micro.atConfidence).toMatchObject({ tp: 3, fp: 1, fn: 0 });
    // confusion at .25: with_mask 2 on the diagonal, without_mask 1, the .3 FP in background
    expect(r.confusion.counts).toEqual([
      [2, 0, 0, 0],
      [0, 1, 0, 0],
      [0, 0, 0, 0],
      [1, 0, 0, 0],
    ]);
    expect(r.imageAccuracy).toMatchObject({ tp: 1, tn: 1, fp: 0, fn: 0 });
    expect(r.curves.perClass[0]!.pr.precision).toHaveLength(101);
    expect(r.curves.micro.f1.f1).toHaveLength(101);
    expect(JSON.parse(JSON.stringify(r)).AP50).toBeCloseTo(1, 12);
  });
});
