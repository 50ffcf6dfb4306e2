import { describe, expect, it } from "vitest";
import { FACEMASK_CLASSES } from "../classes";
import { imageAccuracy } from "./image-accuracy";
import { det, gt, image, xywh } from "./test-helpers";

describe("imageAccuracy", () => {
  it("answers 'is there a face without a mask or with a mask worn incorrectly?' per image", () => {
    const b = xywh(0, 0, 20, 20);
    const r = imageAccuracy(
      {
        classes: FACEMASK_CLASSES,
        images: [
          image("tp.jpg", gt("without_mask", b), gt("with_mask", b)), // alert, predicted (.9)
          image("fp.jpg", gt("with_mask", b)), // no alert, but an incorrect-mask detection at .3
          image("fn.jpg", gt("mask_weared_incorrect", b)), // alert, its detection (.2) is below .25
          image("tn-empty.jpg"), // nothing at all
          image("tn.jpg", gt("with_mask", b)), // with_mask detected: not an alert
        ],
        detections: [
          det("tp.jpg", "without_mask", b, 0.9),
          det("fp.jpg", "mask_weared_incorrect", b, 0.3),
          det("fn.jpg", "mask_weared_incorrect", b, 0.2),
          det("tn.jpg", "with_mask", b, 0.99),
        ],
      },
      { threshold: 0.25 },
    );
    // TP 1, FP 1, FN 1, TN 2 → accuracy 3/5, precision 1/2, recall 1/2.
    expect(r).toMatchObject({ tp: 1, fp: 1, fn: 1, tn: 2, images: 5, accuracy: 0.6, precision: 0.5, recall: 0.5 });
    expect(r.positiveClasses).toEqual(["without_mask", "mask_weared_incorrect"]);
    // A threshold of exactly the score counts as positive (≥): fn.jpg becomes a TP at .2.
    expect(imageAccuracy({ classes: FACEMASK_CLASSES, images: [image("x", gt("without_mask", b))], detections: [det("x", "without_mask", b, 0.2)] }, { threshold: 0.2 }).tp).toBe(1);
  });
});
