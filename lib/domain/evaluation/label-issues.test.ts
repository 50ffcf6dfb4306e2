import { describe, expect, it } from "vitest";
import { findLabelIssues } from "./label-issues";
import { det, gt, image, xywh } from "./test-helpers";
import { EvaluationInputError, type Detection, type GroundTruthImage } from "./types";

const classes = ["with_mask", "without_mask", "mask_weared_incorrect"];
const M = "with_mask";
const N = "without_mask";
const I = "mask_weared_incorrect";
const issuesOf = (images: GroundTruthImage[], detections: Detection[], options = {}) =>
  findLabelIssues({ classes, images, detections }, options);

describe("findLabelIssues", () => {
  it("reports an overlooked object: a confident prediction that overlaps no label", () => {
    // Label M at x 0, matched exactly by an M prediction (.9): fine. An N prediction (.93) far
    // away overlaps nothing → overlooked, suspicion = its score .93, IoU 0.
    const found = issuesOf([image("i", gt(M, xywh(0, 0, 10, 10)))], [det("i", M, xywh(0, 0, 10, 10), 0.9), det("i", N, xywh(100, 0, 10, 10), 0.93)]);
    expect(found).toEqual([
      {
        imageId: "i",
        suspicion: 0.93,
        issues: [
          {
            kind: "overlooked",
            imageId: "i",
            box: xywh(100, 0, 10, 10),
            labelClassName: null,
            gtIndex: null,
            predictedClassName: N,
            predictionScore: 0.93,
            iou: 0,
            suspicion: 0.93,
            explanation: "a confident without_mask prediction (0.93) overlaps no label",
          },
        ],
      },
    ]);
  });

  it("needs IoU < overlapIou with every label to call an object overlooked", () => {
    // N prediction shifted by 9 over an M label: intersection 10, union 190 → 1/19 < .1 → overlooked.
    const near = issuesOf([image("i", gt(M, xywh(0, 0, 10, 10)))], [det("i", N, xywh(9, 0, 10, 10), 0.8)]);
    expect(near[0]!.issues).toMatchObject([{ kind: "overlooked", iou: 10 / 190, suspicion: 0.8 }]);
    // N prediction 10×1 inside the label: IoU exactly .1 → it touches the label: not overlooked,
    // and .1 < matchIou, so no swapped class either → nothing.
    expect(issuesOf([image("i", gt(M, xywh(0, 0, 10, 10)))], [det("i", N, xywh(0, 0, 10, 1), 0.8)])).toEqual([]);
  });

  it("reports one overlooked object per group of overlapping predictions, the highest score", () => {
    // No labels. N (.9) and M (.8, 10×8 inside it: IoU .8 ≥ .5) are one object → one issue at .9.
    // M (.7) 10×4 inside the first: IoU .4 < .5 → its own issue. N (.6) far away → its own issue.
    const found = issuesOf(
      [image("i")],
      [
        det("i", M, xywh(0, 0, 10, 8), 0.8),
        det("i", N, xywh(0, 0, 10, 10), 0.9),
        det("i", M, xywh(0, 0, 10, 4), 0.7),
        det("i", N, xywh(100, 0, 10, 10), 0.6),
      ],
    );
    expect(found[0]!.issues.map((x) => [x.kind, x.predictedClassName, x.suspicion])).toEqual([
      ["overlooked", N, 0.9],
      ["overlooked", M, 0.7],
      ["overlooked", N, 0.6],
    ]);
  });

  it("reports a swapped class, discounted by the label's own class support", () => {
    // M label; N prediction exact (.75, IoU 1); M prediction 10×8 (.25, IoU .8) is the best M
    // support → suspicion .75 − .25 = .5. (The M prediction is below minScore, so no rule (c).)
    const found = issuesOf([image("i", gt(M, xywh(0, 0, 10, 10)))], [det("i", N, xywh(0, 0, 10, 10), 0.75), det("i", M, xywh(0, 0, 10, 8), 0.25)]);
    expect(found).toEqual([
      {
        imageId: "i",
        suspicion: 0.5,
        issues: [
          {
            kind: "swapped_class",
            imageId: "i",
            box: xywh(0, 0, 10, 10),
            labelClassName: M,
            gtIndex: 0,
            predictedClassName: N,
            predictionScore: 0.75,
            iou: 1,
            suspicion: 0.5,
            explanation: "labelled with_mask, but a without_mask prediction (0.75) covers it at IoU 1.00 and the best with_mask prediction there scores 0.25",
          },
        ],
      },
    ]);
  });

  it("lets only the strongest accuser count, and no accusation when the label's class scores as high", () => {
    // M label with N (.6) and I (.8) predictions on it, no M prediction → the I one counts:
    // suspicion .8 − 0 = .8.
    const strongest = issuesOf([image("i", gt(M, xywh(0, 0, 10, 10)))], [det("i", N, xywh(0, 0, 10, 10), 0.6), det("i", I, xywh(0, 0, 10, 10), 0.8)]);
    expect(strongest[0]!.issues).toMatchObject([{ kind: "swapped_class", predictedClassName: I, predictionScore: 0.8, suspicion: 0.8 }]);
    expect(strongest[0]!.issues[0]!.explanation).toBe(
      "labelled with_mask, but a mask_weared_incorrect prediction (0.80) covers it at IoU 1.00 and no with_mask prediction covers it",
    );
    // An M prediction scoring as high (.7 = .7) defends the label: nothing.
    expect(issuesOf([image("i", gt(M, xywh(0, 0, 10, 10)))], [det("i", N, xywh(0, 0, 10, 10), 0.7), det("i", M, xywh(0, 0, 10, 10), 0.7)])).toEqual([]);
  });

  it("ignores predictions below minScore as accusers", () => {
    // N (.45) on an M label: below the default .5 → nothing; with minScore .4 → swapped at .45 − 0.
    const images = [image("i", gt(M, xywh(0, 0, 10, 10)))];
    const detections = [det("i", N, xywh(0, 0, 10, 10), 0.45), det("i", N, xywh(100, 0, 10, 10), 0.45)];
    expect(issuesOf(images, detections)).toEqual([]);
    // The far one (also .45) becomes an overlooked object at the lower minScore, tying the swap;
    // on a tie the label's issue comes first.
    expect(issuesOf(images, detections, { minScore: 0.4 })[0]!.issues.map((x) => [x.kind, x.suspicion])).toEqual([
      ["swapped_class", 0.45],
      ["overlooked", 0.45],
    ]);
  });

  it("reports a badly located box from the highest-scoring loose prediction of its class", () => {
    // M label 10×10. M predictions: 10×2.5 (.8, IoU 25/100 = .25), 10×2 (.6, IoU .2), exact (.4,
    // below minScore, so it does not vouch for the box). The .8 one is used:
    // suspicion = .8 × (1 − .25) = .6.
    const found = issuesOf(
      [image("i", gt(M, xywh(0, 0, 10, 10)))],
      [det("i", M, xywh(0, 0, 10, 2), 0.6), det("i", M, xywh(0, 0, 10, 2.5), 0.8), det("i", M, xywh(0, 0, 10, 10), 0.4)],
    );
    expect(found).toHaveLength(1);
    const [issue] = found[0]!.issues;
    expect(issue).toMatchObject({
      kind: "badly_located",
      box: xywh(0, 0, 10, 10),
      labelClassName: M,
      gtIndex: 0,
      predictedClassName: M,
      predictionScore: 0.8,
      iou: 0.25,
      explanation: "the best with_mask prediction (0.80) overlaps this with_mask label only at IoU 0.25",
    });
    expect(issue!.suspicion).toBeCloseTo(0.6, 12);
    expect(found[0]!.suspicion).toBe(issue!.suspicion);
  });

  it("does not call a box badly located when a confident prediction agrees or the loose one belongs to a neighbour", () => {
    // An exact M prediction at .7 (≥ minScore) vouches for the label despite a loose one at .9.
    expect(issuesOf([image("i", gt(M, xywh(0, 0, 10, 10)))], [det("i", M, xywh(0, 0, 10, 10), 0.7), det("i", M, xywh(0, 0, 10, 2), 0.9)])).toEqual([]);
    // Two adjacent M labels at x 0 and x 7; one exact prediction on the first (.9). It overlaps the
    // second at 30 / 170 ≈ .18 ∈ [.1, .5), but it is the first label's match → nothing.
    expect(issuesOf([image("i", gt(M, xywh(0, 0, 10, 10)), gt(M, xywh(7, 0, 10, 10)))], [det("i", M, xywh(0, 0, 10, 10), 0.9)])).toEqual([]);
  });

  it("keeps one issue per label: the higher of swapped class and badly located", () => {
    // M label; N exact (.6) → swap .6 − 0 = .6; M 10×2 (.9, IoU .2) → badly located .9 × .8 = .72.
    const located = issuesOf([image("i", gt(M, xywh(0, 0, 10, 10)))], [det("i", N, xywh(0, 0, 10, 10), 0.6), det("i", M, xywh(0, 0, 10, 2), 0.9)]);
    expect(located[0]!.issues).toHaveLength(1);
    expect(located[0]!.issues[0]).toMatchObject({ kind: "badly_located", predictedClassName: M, iou: 0.2 });
    expect(located[0]!.suspicion).toBeCloseTo(0.72, 12);
    // With N at .95 the swap (.95) beats .72.
    const swapped = issuesOf([image("i", gt(M, xywh(0, 0, 10, 10)))], [det("i", N, xywh(0, 0, 10, 10), 0.95), det("i", M, xywh(0, 0, 10, 2), 0.9)]);
    expect(swapped[0]!.issues).toMatchObject([{ kind: "swapped_class", predictedClassName: N, suspicion: 0.95 }]);
  });

  it("never accuses crowd or ignore boxes, and predictions on them accuse nothing", () => {
    // gt 0: M crowd 100×100 at 0; gt 1: a normal M label inside it; gt 2: N ignore box at x 200.
    //   N exact on gt 1 (.9): crowd IoU 100/100 = 1 ≥ .5 → excluded, so no swapped class
    //   N at x 98 (.8): crowd IoU 20/100 = .2 < .5, kept; touches the crowd (≥ .1) → not overlooked
    //   M exact on the ignore box (.9): IoU 1 → excluded (no accusation of the ignore box)
    //   N at x 99.5 (.7): crowd IoU 5/100 = .05 < .1 and nothing else near → overlooked, .7
    const found = issuesOf(
      [
        image(
          "i",
          gt(M, xywh(0, 0, 100, 100), { iscrowd: true }),
          gt(M, xywh(10, 10, 10, 10)),
          gt(N, xywh(200, 0, 10, 10), { ignore: true }),
        ),
      ],
      [
        det("i", N, xywh(10, 10, 10, 10), 0.9),
        det("i", N, xywh(98, 0, 10, 10), 0.8),
        det("i", M, xywh(200, 0, 10, 10), 0.9),
        det("i", N, xywh(99.5, 0, 10, 10), 0.7),
      ],
    );
    expect(found).toHaveLength(1);
    expect(found[0]!.issues).toMatchObject([{ kind: "overlooked", box: xywh(99.5, 0, 10, 10), iou: 0.05, suspicion: 0.7 }]);
  });

  it("ranks images by their most suspicious issue (ties: input order) and issues within an image", () => {
    //   low:   swap .75 − .25 = .5 on gt 0, plus an overlooked N (.9) → issues [.9, .5], image .9
    //   clean: perfect predictions → omitted
    //   a:     overlooked .93        b: overlooked .93 (ties with a: input order)
    //   top:   swap .99 on gt 1 (gt 0 fine)
    const found = issuesOf(
      [
        image("low", gt(M, xywh(0, 0, 10, 10))),
        image("clean", gt(N, xywh(0, 0, 10, 10))),
        image("a"),
        image("b"),
        image("top", gt(M, xywh(0, 0, 10, 10)), gt(N, xywh(100, 0, 10, 10))),
      ],
      [
        det("low", N, xywh(0, 0, 10, 10), 0.75),
        det("low", M, xywh(0, 0, 10, 8), 0.25),
        det("low", N, xywh(100, 0, 10, 10), 0.9),
        det("clean", N, xywh(0, 0, 10, 10), 0.95),
        det("b", N, xywh(0, 0, 10, 10), 0.93),
        det("a", M, xywh(0, 0, 10, 10), 0.93),
        det("top", M, xywh(0, 0, 10, 10), 0.9),
        det("top", I, xywh(100, 0, 10, 10), 0.99),
      ],
    );
    expect(found.map((x) => [x.imageId, x.suspicion])).toEqual([
      ["top", 0.99],
      ["a", 0.93],
      ["b", 0.93],
      ["low", 0.9],
    ]);
    expect(found[0]!.issues).toMatchObject([{ kind: "swapped_class", gtIndex: 1, labelClassName: N, predictedClassName: I }]);
    expect(found[3]!.issues.map((x) => [x.kind, x.suspicion])).toEqual([
      ["overlooked", 0.9],
      ["swapped_class", 0.5],
    ]);
  });

  it("finds nothing when predictions agree with every label", () => {
    // Each label has an exact same-class prediction; a far-away low-score (.3) one is below minScore.
    const found = issuesOf(
      [image("i", gt(M, xywh(0, 0, 10, 10)), gt(N, xywh(50, 0, 10, 10)), gt(I, xywh(100, 0, 10, 10), { difficult: true })), image("empty")],
      [
        det("i", M, xywh(0, 0, 10, 10), 0.97),
        det("i", N, xywh(50, 0, 10, 10), 0.88),
        det("i", I, xywh(100, 0, 10, 10), 0.6),
        det("i", N, xywh(300, 0, 10, 10), 0.3),
      ],
    );
    expect(found).toEqual([]);
  });

  it("rejects unknown classes and images like every other metric", () => {
    const images = [image("i", gt(M, xywh(0, 0, 10, 10)))];
    expect(() => issuesOf(images, [det("nope", M, xywh(0, 0, 1, 1), 0.9)])).toThrow(EvaluationInputError);
    expect(() => issuesOf(images, [det("i", "mask", xywh(0, 0, 1, 1), 0.9)])).toThrow(EvaluationInputError);
    expect(() => issuesOf([image("i", gt("mask", xywh(0, 0, 1, 1)))], [])).toThrow(EvaluationInputError);
  });
});
