import { describe, expect, it } from "vitest";
import { SeededRandom } from "@/lib/domain/random";
import { decodeDeltas, encodeDeltas } from "../common/box-coding";
import { twoStageAnchors, TWO_STAGE_LEVELS } from "./anchors";
import { detectionsFromHead, HEAD_DELTA_WEIGHTS, proposalsFromRpn, rpnTargets, sampleRois } from "./targets";

const rng = () => {
  const r = new SeededRandom(5);
  return () => r.next();
};

describe("two-stage anchors", () => {
  it("has every level's sizes at every cell, in the RPN's order", () => {
    const anchors = twoStageAnchors(64);
    const expected = TWO_STAGE_LEVELS.reduce((sum, l) => sum + (64 / l.stride) ** 2 * l.sizes.length, 0);
    expect(anchors.length / 4).toBe(expected);
    // First anchor: stride-8 cell (4, 4), size 10, height/width 1.25 → area 100.
    const [x1, y1, x2, y2] = anchors.slice(0, 4);
    expect((x1! + x2!) / 2).toBeCloseTo(4);
    expect((y1! + y2!) / 2).toBeCloseTo(4);
    expect((x2! - x1!) * (y2! - y1!)).toBeCloseTo(100, 4);
    expect((y2! - y1!) / (x2! - x1!)).toBeCloseTo(1.25, 5);
  });
});

describe("RPN targets", () => {
  const anchors = twoStageAnchors(128);

  it("marks high-IoU anchors positive, a tiny face's best anchor too, and samples at most 256 with half positive", () => {
    const big = { box: { xmin: 30, ymin: 30, xmax: 70, ymax: 80 }, classIndex: 0 };
    const tiny = { box: { xmin: 100, ymin: 100, xmax: 104, ymax: 105 }, classIndex: 1 }; // IoU < 0.3 with every anchor
    const targets = rpnTargets(anchors, [big, tiny], rng());
    const sampled = targets.sampled.reduce((a, b) => a + b, 0);
    expect(sampled).toBe(256);
    expect(targets.positives).toBeGreaterThan(1);
    expect(targets.positives).toBeLessThanOrEqual(128);
    // Some positive anchor decodes exactly onto the tiny face.
    let tinyMatched = false;
    for (let i = 0; i < anchors.length / 4; i++) {
      if (!targets.positive[i]) continue;
      const anchor = { xmin: anchors[i * 4]!, ymin: anchors[i * 4 + 1]!, xmax: anchors[i * 4 + 2]!, ymax: anchors[i * 4 + 3]! };
      const d = targets.deltas.subarray(i * 4, i * 4 + 4);
      const box = decodeDeltas(anchor, { dx: d[0]!, dy: d[1]!, dw: d[2]!, dh: d[3]! });
      if (Math.abs(box.xmin - 100) < 1e-3 && Math.abs(box.ymax - 105) < 1e-3) tinyMatched = true;
      expect(targets.objectness[i]).toBe(1);
    }
    expect(tinyMatched).toBe(true);
  });

  it("an image without faces gives 256 negatives and no positives", () => {
    const targets = rpnTargets(anchors, [], rng());
    expect(targets.positives).toBe(0);
    expect(targets.sampled.reduce((a, b) => a + b, 0)).toBe(256);
    expect(targets.objectness.every((v) => v === 0)).toBe(true);
  });
});

describe("proposals", () => {
  it("decodes the best anchors, clips them to the input and suppresses overlaps", () => {
    const anchors = new Float32Array([0, 0, 20, 20, 1, 1, 21, 21, 50, 50, 70, 70, 90, 90, 130, 130]);
    // logits: anchors 0 and 1 overlap (IoU 0.82) → one survives; anchor 3 reaches past 100 → clipped.
    const raw = new Float32Array([3, 0, 0, 0, 0, 2, 0, 0, 0, 0, 1, 0, 0, 0, 0, -1, 0, 0, 0, 0]);
    const proposals = proposalsFromRpn(raw, anchors, 100, { preNms: 10, postNms: 10, iouThreshold: 0.7, minSize: 1 });
    expect(proposals.map((p) => p.box)).toEqual([
      { xmin: 0, ymin: 0, xmax: 20, ymax: 20 },
      { xmin: 50, ymin: 50, xmax: 70, ymax: 70 },
      { xmin: 90, ymin: 90, xmax: 100, ymax: 100 },
    ]);
    expect(proposals[0]!.score).toBeCloseTo(1 / (1 + Math.exp(-3)), 6);
    expect(() => proposalsFromRpn(raw.subarray(0, 5), anchors, 100, { preNms: 1, postNms: 1, iouThreshold: 0.7, minSize: 1 })).toThrow(/expected 20/);
  });
});

describe("ROI sampling and the final decoding", () => {
  const face = { box: { xmin: 10, ymin: 10, xmax: 50, ymax: 60 }, classIndex: 2 };

  it("adds the faces as ROIs, labels foreground class + 1 with exact deltas, and fills up with background", () => {
    const proposals = [
      { box: { xmin: 12, ymin: 11, xmax: 50, ymax: 58 }, score: 0.9 }, // IoU ≈ 0.9: foreground
      { box: { xmin: 60, ymin: 60, xmax: 90, ymax: 90 }, score: 0.8 }, // background
      { box: { xmin: 30, ymin: 30, xmax: 80, ymax: 80 }, score: 0.7 }, // IoU ≈ 0.17: background
    ];
    const rois = sampleRois(proposals, [face], rng(), { samples: 4, foregroundFraction: 0.5, foregroundIou: 0.5 });
    expect(rois.labels.filter((l) => l === 3)).toHaveLength(2);
    expect(rois.labels.filter((l) => l === 0)).toHaveLength(2);
    rois.boxes.forEach((box, i) => {
      if (rois.labels[i] === 0) return expect(rois.deltas[i]).toEqual({ dx: 0, dy: 0, dw: 0, dh: 0 });
      const back = decodeDeltas(box, rois.deltas[i]!, HEAD_DELTA_WEIGHTS);
      expect(back.xmin).toBeCloseTo(10, 4);
      expect(back.ymax).toBeCloseTo(60, 4);
    });
  });

  it("detections take the best face class, refine the proposal, and drop scores under the threshold", () => {
    const proposals = [
      { box: { xmin: 12, ymin: 11, xmax: 50, ymax: 58 }, score: 0.9 },
      { box: { xmin: 60, ymin: 60, xmax: 90, ymax: 90 }, score: 0.8 },
    ];
    // ROI 0: background 0.1, classes 0.1 / 0.2 / 0.6; ROI 1: background 0.97.
    const probabilities = new Float32Array([0.1, 0.1, 0.2, 0.6, 0.97, 0.01, 0.01, 0.01]);
    const d = encodeDeltas(proposals[0]!.box, face.box, HEAD_DELTA_WEIGHTS);
    const deltas = new Float32Array([d.dx, d.dy, d.dw, d.dh, 0, 0, 0, 0]);
    const detections = detectionsFromHead(proposals, probabilities, deltas, 3, 100, { scoreThreshold: 0.05, iouThreshold: 0.5, maxDetections: 10 });
    expect(detections).toHaveLength(1);
    expect(detections[0]!.classIndex).toBe(2);
    expect(detections[0]!.score).toBeCloseTo(0.6, 6);
    expect(detections[0]!.box.xmin).toBeCloseTo(10, 4);
    expect(detections[0]!.box.ymax).toBeCloseTo(60, 4);
  });
});
