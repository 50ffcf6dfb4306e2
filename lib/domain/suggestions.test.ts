import { describe, expect, it } from "vitest";
import { suggestionsFrom } from "./suggestions";

const image = { width: 100, height: 80 };
let n = 0;
const newId = () => `s${++n}`;

describe("suggestionsFrom", () => {
  it("keeps detections at or above the threshold, surest first, clipped to the image", () => {
    const found = suggestionsFrom(
      [
        { className: "with_mask", score: 0.4, box: { xmin: 10, ymin: 10, xmax: 30, ymax: 30 } },
        { className: "without_mask", score: 0.9, box: { xmin: 80, ymin: 60, xmax: 120, ymax: 90 } },
        { className: "with_mask", score: 0.2, box: { xmin: 40, ymin: 40, xmax: 50, ymax: 50 } },
      ],
      [],
      0.4,
      image,
      newId,
    );
    expect(found.map((s) => [s.className, s.score])).toEqual([["without_mask", 0.9], ["with_mask", 0.4]]); // 0.2 < 0.4 is dropped; 0.4 stays
    expect(found[0]!.box).toEqual({ xmin: 80, ymin: 60, xmax: 100, ymax: 80 });
    expect(new Set(found.map((s) => s.id)).size).toBe(2);
  });

  it("does not offer what a label of the same class already covers", () => {
    const detection = { className: "with_mask", score: 0.8, box: { xmin: 10, ymin: 10, xmax: 30, ymax: 30 } };
    // IoU of [10,10,30,30] and [12,10,32,30]: 18·20 / (400 + 400 − 360) = 360/440 = 0.82 ≥ 0.5
    expect(suggestionsFrom([detection], [{ className: "with_mask", xmin: 12, ymin: 10, xmax: 32, ymax: 30 }], 0.5, image, newId)).toEqual([]);
    // another class at the same place is a disagreement worth showing
    expect(suggestionsFrom([detection], [{ className: "without_mask", xmin: 12, ymin: 10, xmax: 32, ymax: 30 }], 0.5, image, newId)).toHaveLength(1);
    // IoU of [10,10,30,30] and [20,10,40,30]: 200 / 600 = 0.33 < 0.5: offered
    expect(suggestionsFrom([detection], [{ className: "with_mask", xmin: 20, ymin: 10, xmax: 40, ymax: 30 }], 0.5, image, newId)).toHaveLength(1);
  });

  it("does not offer a box below the editor's minimum: accepted, it would be refused when saved", () => {
    const speck = { className: "with_mask", score: 0.9, box: { xmin: 10, ymin: 10, xmax: 11.5, ymax: 30 } };
    expect(suggestionsFrom([speck], [], 0.5, image, newId)).toEqual([]);
    expect(suggestionsFrom([{ ...speck, box: { ...speck.box, xmax: 12 } }], [], 0.5, image, newId)).toHaveLength(1);
  });
});
