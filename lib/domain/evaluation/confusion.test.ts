import { describe, expect, it } from "vitest";
import { confusionMatrix } from "./confusion";
import { det, gt, image, xywh } from "./test-helpers";

describe("confusionMatrix", () => {
  it("counts matches, class confusions, false positives and misses (rows truth, columns prediction)", () => {
    // img1: A1 (a), B1 (b), A2 (a).
    //   .9  a on A1           → [a][a]
    //   .8  a on B1           → [b][a] (class confusion)
    //   .7  b on A1 again     → A1 is taken, nothing else overlaps → [background][b]
    //   .6  b far away        → [background][b]
    //   .1  a on A2           → below the confidence (.25): not counted, so A2 → [a][background]
    // img2: a crowd box of class a and a b detection inside it → not counted at all.
    const m = confusionMatrix(
      {
        classes: ["a", "b"],
        images: [
          image("img1", gt("a", xywh(0, 0, 10, 10)), gt("b", xywh(20, 0, 10, 10)), gt("a", xywh(40, 0, 10, 10))),
          image("img2", gt("a", xywh(0, 0, 100, 100), { iscrowd: true })),
        ],
        detections: [
          det("img1", "a", xywh(0, 0, 10, 10), 0.9),
          det("img1", "a", xywh(20, 0, 10, 10), 0.8),
          det("img1", "b", xywh(0, 0, 10, 10), 0.7),
          det("img1", "b", xywh(80, 80, 10, 10), 0.6),
          det("img1", "a", xywh(40, 0, 10, 10), 0.1),
          det("img2", "b", xywh(10, 10, 10, 10), 0.9),
        ],
      },
      { confidence: 0.25 },
    );
    expect(m.labels).toEqual(["a", "b", "background"]);
    expect(m.counts).toEqual([
      [1, 0, 1],
      [1, 0, 0],
      [0, 2, 0],
    ]);
  });

  it("matches greedily by score across classes, to the highest IoU ≥ the threshold (= included)", () => {
    // One gt of class a. A b detection (.9, IoU 0.5 exactly) comes first and takes it: [a][b].
    // The exact a detection (.8) finds it taken → [background][a].
    const m = confusionMatrix({
      classes: ["a", "b"],
      images: [image("i", gt("a", xywh(0, 0, 10, 10)))],
      detections: [det("i", "a", xywh(0, 0, 10, 10), 0.8), det("i", "b", xywh(0, 0, 10, 5), 0.9)],
    });
    expect(m.counts).toEqual([
      [0, 1, 0],
      [0, 0, 0],
      [1, 0, 0],
    ]);
    // Of two free gts, the detection takes the one it overlaps more (IoU .8 over .6).
    const best = confusionMatrix({
      classes: ["a", "b"],
      images: [image("i", gt("a", xywh(0, 0, 10, 6)), gt("b", xywh(0, 0, 10, 8)))],
      detections: [det("i", "b", xywh(0, 0, 10, 10), 0.9)],
    });
    expect(best.counts).toEqual([
      [0, 0, 1],
      [0, 1, 0],
      [0, 0, 0],
    ]);
  });
});
