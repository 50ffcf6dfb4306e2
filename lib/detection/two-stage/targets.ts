import type { PixelBox } from "@/lib/domain/box";
import { decodeDeltas, encodeDeltas, type BoxDeltas } from "../common/box-coding";
import { nonMaxSuppression } from "../common/nms";
import { selectDetections, type PostprocessOptions } from "../common/postprocess";
import type { GroundTruth } from "../common/ground-truth";

/**
 * The plain-number parts of Faster R-CNN training and inference: which anchors the RPN learns
 * from, which proposals it makes, which of them the box head learns from, and the final
 * detections. Tensor code only consumes their outputs.
 */

export const RPN_DELTA_WEIGHTS: BoxDeltas = { dx: 1, dy: 1, dw: 1, dh: 1 };
/** Faster R-CNN's weights for the second stage's deltas (its targets are small). */
export const HEAD_DELTA_WEIGHTS: BoxDeltas = { dx: 10, dy: 10, dw: 5, dh: 5 };

export interface RpnTargetOptions {
  positiveIou: number;
  negativeIou: number;
  /** anchors sampled per image, at most half of them positive */
  samples: number;
  positiveFraction: number;
}

export const DEFAULT_RPN_TARGETS: RpnTargetOptions = { positiveIou: 0.6, negativeIou: 0.3, samples: 256, positiveFraction: 0.5 };

export interface RpnTargets {
  /** per anchor: 1 object, 0 background */
  objectness: Float32Array;
  /** per anchor: 1 if it counts in the objectness loss (sampled), else 0 */
  sampled: Float32Array;
  /** per anchor: 1 if positive (counts in the box loss) */
  positive: Float32Array;
  /** per anchor: encoded deltas to its matched box (zeros elsewhere) */
  deltas: Float32Array;
  positives: number;
}

function boxAt(boxes: Float32Array, i: number): PixelBox {
  return { xmin: boxes[i * 4]!, ymin: boxes[i * 4 + 1]!, xmax: boxes[i * 4 + 2]!, ymax: boxes[i * 4 + 3]! };
}

/** IoU of flat box i with a box, without allocating. */
function iouWith(boxes: Float32Array, i: number, b: PixelBox): number {
  const x1 = boxes[i * 4]!;
  const y1 = boxes[i * 4 + 1]!;
  const x2 = boxes[i * 4 + 2]!;
  const y2 = boxes[i * 4 + 3]!;
  const w = Math.min(x2, b.xmax) - Math.max(x1, b.xmin);
  const h = Math.min(y2, b.ymax) - Math.max(y1, b.ymin);
  if (w <= 0 || h <= 0) return 0;
  const inter = w * h;
  return inter / ((x2 - x1) * (y2 - y1) + (b.xmax - b.xmin) * (b.ymax - b.ymin) - inter);
}

/** For every box, its best IoU with any truth and which truth that is (−1 when none overlaps). */
function bestMatches(boxes: Float32Array, truths: readonly GroundTruth[]) {
  const count = boxes.length / 4;
  const best = new Float32Array(count);
  const match = new Int32Array(count).fill(-1);
  const truthBest = new Float32Array(truths.length);
  truths.forEach((truth, t) => {
    for (let i = 0; i < count; i++) {
      const v = iouWith(boxes, i, truth.box);
      if (v > best[i]!) {
        best[i] = v;
        match[i] = t;
      }
      if (v > truthBest[t]!) truthBest[t] = v;
    }
  });
  return { best, match, truthBest };
}

/** Keeps at most `limit` of the listed indices, chosen uniformly (partial Fisher–Yates). */
function sampleIndices(indices: number[], limit: number, random: () => number): number[] {
  for (let i = 0; i < Math.min(limit, indices.length); i++) {
    const j = i + Math.floor(random() * (indices.length - i));
    [indices[i], indices[j]] = [indices[j]!, indices[i]!];
  }
  return indices.slice(0, limit);
}

/**
 * RPN targets (Faster R-CNN, with Detectron2's low-quality matches): an anchor is positive at
 * IoU ≥ 0.6 with a face, or when it is a face's best anchor (so faces smaller than every anchor
 * still get one); negative below 0.3; otherwise ignored. Then 256 are sampled, at most half positive.
 */
export function rpnTargets(anchors: Float32Array, truths: readonly GroundTruth[], random: () => number, options: RpnTargetOptions = DEFAULT_RPN_TARGETS): RpnTargets {
  const count = anchors.length / 4;
  const { best, match, truthBest } = bestMatches(anchors, truths);
  const label = new Int8Array(count).fill(-1);
  for (let i = 0; i < count; i++) {
    if (best[i]! < options.negativeIou) label[i] = 0;
    if (best[i]! >= options.positiveIou) label[i] = 1;
  }
  // Every face's best anchors (ties included) are positive, matched to that face.
  truths.forEach((truth, t) => {
    if (truthBest[t]! <= 0) return;
    for (let i = 0; i < count; i++) {
      if (iouWith(anchors, i, truth.box) >= truthBest[t]! - 1e-6) {
        label[i] = 1;
        match[i] = t;
      }
    }
  });
  const positiveList: number[] = [];
  const negativeList: number[] = [];
  for (let i = 0; i < count; i++) {
    if (label[i] === 1) positiveList.push(i);
    else if (label[i] === 0) negativeList.push(i);
  }
  const positives = sampleIndices(positiveList, Math.floor(options.samples * options.positiveFraction), random);
  const negatives = sampleIndices(negativeList, options.samples - positives.length, random);
  const targets: RpnTargets = { objectness: new Float32Array(count), sampled: new Float32Array(count), positive: new Float32Array(count), deltas: new Float32Array(count * 4), positives: positives.length };
  for (const i of negatives) targets.sampled[i] = 1;
  for (const i of positives) {
    targets.sampled[i] = 1;
    targets.objectness[i] = 1;
    targets.positive[i] = 1;
    const d = encodeDeltas(boxAt(anchors, i), truths[match[i]!]!.box, RPN_DELTA_WEIGHTS);
    targets.deltas.set([d.dx, d.dy, d.dw, d.dh], i * 4);
  }
  return targets;
}

export interface ProposalOptions {
  /** best-scoring anchors decoded before NMS */
  preNms: number;
  /** proposals kept after NMS */
  postNms: number;
  iouThreshold: number;
  /** boxes narrower or lower than this (input pixels) are dropped */
  minSize: number;
}

export const TRAIN_PROPOSALS: ProposalOptions = { preNms: 2000, postNms: 500, iouThreshold: 0.7, minSize: 1 };
export const TEST_PROPOSALS: ProposalOptions = { preNms: 1000, postNms: 300, iouThreshold: 0.7, minSize: 1 };

export interface Proposal {
  box: PixelBox;
  /** objectness logit's probability */
  score: number;
}

const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));

/**
 * One image's RPN output [A·5] as (objectness logit, dx, dy, dw, dh) per anchor → proposals:
 * the top-scoring anchors decoded, clipped to the input, tiny boxes dropped, NMS at 0.7.
 */
export function proposalsFromRpn(raw: Float32Array, anchors: Float32Array, inputSize: number, options: ProposalOptions): Proposal[] {
  const count = anchors.length / 4;
  if (raw.length !== count * 5) throw new RangeError(`RPN output has ${raw.length} values, expected ${count * 5} for ${count} anchors`);
  const order = Array.from({ length: count }, (_, i) => i).sort((a, b) => raw[b * 5]! - raw[a * 5]! || a - b);
  const candidates = [];
  for (const i of order.slice(0, options.preNms)) {
    const d = decodeDeltas(boxAt(anchors, i), { dx: raw[i * 5 + 1]!, dy: raw[i * 5 + 2]!, dw: raw[i * 5 + 3]!, dh: raw[i * 5 + 4]! }, RPN_DELTA_WEIGHTS);
    const box = clip(d, inputSize);
    if (box.xmax - box.xmin < options.minSize || box.ymax - box.ymin < options.minSize) continue;
    candidates.push({ box, score: sigmoid(raw[i * 5]!), classIndex: 0 });
  }
  return nonMaxSuppression(candidates, { iouThreshold: options.iouThreshold, scoreThreshold: 0, maxDetections: options.postNms, perClass: false }).map(({ box, score }) => ({ box, score }));
}

function clip(box: PixelBox, size: number): PixelBox {
  const c = (v: number) => Math.min(Math.max(v, 0), size);
  return { xmin: c(box.xmin), ymin: c(box.ymin), xmax: c(box.xmax), ymax: c(box.ymax) };
}

export interface RoiSamplingOptions {
  /** ROIs per image */
  samples: number;
  foregroundFraction: number;
  foregroundIou: number;
}

export const DEFAULT_ROI_SAMPLING: RoiSamplingOptions = { samples: 64, foregroundFraction: 0.25, foregroundIou: 0.5 };

export interface SampledRois {
  boxes: PixelBox[];
  /** 0 background, c + 1 for class c */
  labels: number[];
  /** encoded deltas (head weights) to the matched face; zeros for background */
  deltas: BoxDeltas[];
}

/**
 * The box head's training ROIs for one image: proposals plus the faces themselves (so the head
 * sees good boxes from the first step), foreground at IoU ≥ 0.5 with a face, at most a quarter of
 * the sample; the rest background.
 */
export function sampleRois(proposals: readonly Proposal[], truths: readonly GroundTruth[], random: () => number, options: RoiSamplingOptions = DEFAULT_ROI_SAMPLING): SampledRois {
  const boxes = [...proposals.map((p) => p.box), ...truths.map((t) => t.box)];
  const flat = new Float32Array(boxes.length * 4);
  boxes.forEach((b, i) => flat.set([b.xmin, b.ymin, b.xmax, b.ymax], i * 4));
  const { best, match } = bestMatches(flat, truths);
  const foreground: number[] = [];
  const background: number[] = [];
  boxes.forEach((_, i) => (truths.length > 0 && best[i]! >= options.foregroundIou ? foreground : background).push(i));
  const fg = sampleIndices(foreground, Math.round(options.samples * options.foregroundFraction), random);
  const bg = sampleIndices(background, options.samples - fg.length, random);
  const sampled: SampledRois = { boxes: [], labels: [], deltas: [] };
  for (const i of fg) {
    const truth = truths[match[i]!]!;
    sampled.boxes.push(boxes[i]!);
    sampled.labels.push(truth.classIndex + 1);
    sampled.deltas.push(encodeDeltas(boxes[i]!, truth.box, HEAD_DELTA_WEIGHTS));
  }
  for (const i of bg) {
    sampled.boxes.push(boxes[i]!);
    sampled.labels.push(0);
    sampled.deltas.push({ dx: 0, dy: 0, dw: 0, dh: 0 });
  }
  return sampled;
}

/**
 * The box head's outputs for one image's proposals → detections in input pixels: softmax scores
 * of the face classes (background + classes), the proposal refined by the class-agnostic deltas,
 * then the shared class selection and NMS (best class per ROI when serving, every class above the
 * threshold when evaluating).
 */
export function detectionsFromHead(proposals: readonly Proposal[], probabilities: Float32Array, deltas: Float32Array, numClasses: number, inputSize: number, options: PostprocessOptions) {
  const boxes = proposals.map((p, r) => clip(decodeDeltas(p.box, { dx: deltas[r * 4]!, dy: deltas[r * 4 + 1]!, dw: deltas[r * 4 + 2]!, dh: deltas[r * 4 + 3]! }, HEAD_DELTA_WEIGHTS), inputSize));
  return selectDetections(proposals.length, numClasses, (r, c) => probabilities[r * (numClasses + 1) + 1 + c]!, (r) => boxes[r]!, options);
}
