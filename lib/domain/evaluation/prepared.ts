import type { PixelBox } from "../box";
import { EvaluationInputError, type EvaluationInput, type GroundTruthBox } from "./types";

/**
 * The evaluation input validated once and laid out in typed arrays, shared by every metric.
 *
 * Boxes and detections are grouped by (class k, image i), group g = k * numImages + i:
 * ground truths of the group are gt indices gtStart[g] .. gtStart[g + 1] - 1 (input order), and
 * detections dtStart[g] .. dtStart[g + 1] - 1, sorted by score descending with ties in input order
 * (pycocotools' np.argsort(-scores, kind="mergesort") per image and category).
 *
 * Boxes are kept as COCO's x, y, width, height (width = xmax - xmin): the IoU below is then the
 * same arithmetic as pycocotools' bbIou on the file our COCO export writes.
 */
export interface PreparedEvaluation {
  classes: readonly string[];
  imageIds: readonly string[];
  numClasses: number;
  numImages: number;
  gtStart: Int32Array;
  gtX: Float64Array;
  gtY: Float64Array;
  gtW: Float64Array;
  gtH: Float64Array;
  /** COCO `area` (for the area ranges), width × height unless given */
  gtArea: Float64Array;
  gtCrowd: Uint8Array;
  gtIgnore: Uint8Array;
  gtDifficult: Uint8Array;
  /** position of the box in its image's input list, for tie-breaking rules that need input order */
  gtInput: Int32Array;
  dtStart: Int32Array;
  dtX: Float64Array;
  dtY: Float64Array;
  dtW: Float64Array;
  dtH: Float64Array;
  dtScore: Float64Array;
  /** index in input.detections */
  dtInput: Int32Array;
}

/**
 * IoU of detection d and ground truth g exactly as pycocotools computes it for boxes
 * (maskApi.c bbIou): no +1 anywhere, and for a crowd ground truth the union is the detection's
 * area alone, so a detection inside a crowd region scores 1.
 */
export function cocoIou(
  dx: number,
  dy: number,
  dw: number,
  dh: number,
  gx: number,
  gy: number,
  gw: number,
  gh: number,
  crowd: boolean,
): number {
  const w = Math.min(dw + dx, gw + gx) - Math.max(dx, gx);
  if (w <= 0) return 0;
  const h = Math.min(dh + dy, gh + gy) - Math.max(dy, gy);
  if (h <= 0) return 0;
  const inter = w * h;
  const da = dw * dh;
  return inter / (crowd ? da : da + gw * gh - inter);
}

/** cocoIou of two boxes in Masklab's convention (a detection's and a ground truth's, crowd rule for the latter). */
export function boxIou(detection: PixelBox, truth: PixelBox, crowd: boolean): number {
  return cocoIou(detection.xmin, detection.ymin, detection.xmax - detection.xmin, detection.ymax - detection.ymin, truth.xmin, truth.ymin, truth.xmax - truth.xmin, truth.ymax - truth.ymin, crowd);
}

/** Crowd and ignore-flagged boxes: never a miss, and what they absorb is not counted. */
export const isIgnoredRegion = (b: GroundTruthBox): boolean => b.iscrowd === true || b.ignore === true;

/** IoU between prepared detection d and prepared ground truth g (crowd rule included). */
export function preparedIou(p: PreparedEvaluation, d: number, g: number): number {
  return cocoIou(p.dtX[d]!, p.dtY[d]!, p.dtW[d]!, p.dtH[d]!, p.gtX[g]!, p.gtY[g]!, p.gtW[g]!, p.gtH[g]!, p.gtCrowd[g] === 1);
}

function checkBox(box: PixelBox, where: string): void {
  for (const key of ["xmin", "ymin", "xmax", "ymax"] as const) {
    if (typeof box[key] !== "number" || !Number.isFinite(box[key])) {
      throw new EvaluationInputError(`${where}: ${key} ${JSON.stringify(box[key])} is not a finite number`);
    }
  }
  if (box.xmax < box.xmin || box.ymax < box.ymin) {
    throw new EvaluationInputError(`${where}: box (${box.xmin}, ${box.ymin})–(${box.xmax}, ${box.ymax}) has max < min`);
  }
}

function classIndex(classIndexByName: Map<string, number>, classes: readonly string[], name: string, where: string): number {
  const k = classIndexByName.get(name);
  if (k === undefined) throw new EvaluationInputError(`${where}: class "${name}" is not one of ${classes.join(", ")}`);
  return k;
}

/** Validates the input (throws EvaluationInputError naming the entry) and builds the typed arrays. */
export function prepareEvaluation(input: EvaluationInput): PreparedEvaluation {
  const { classes, images, detections } = input;
  const K = classes.length;
  const I = images.length;
  const classIndexByName = new Map<string, number>();
  classes.forEach((name, k) => {
    if (classIndexByName.has(name)) throw new EvaluationInputError(`class "${name}" is listed twice`);
    classIndexByName.set(name, k);
  });
  const imageIndexById = new Map<string, number>();
  images.forEach((image, i) => {
    if (imageIndexById.has(image.imageId)) throw new EvaluationInputError(`image "${image.imageId}" is listed twice`);
    imageIndexById.set(image.imageId, i);
  });

  // Ground truth: counting sort by group, input order kept inside each group.
  let numGt = 0;
  for (const image of images) numGt += image.boxes.length;
  const gtGroup = new Int32Array(numGt);
  const gtStart = new Int32Array(K * I + 1);
  let n = 0;
  images.forEach((image, i) => {
    image.boxes.forEach((b, j) => {
      const where = `image "${image.imageId}" box ${j + 1}`;
      checkBox(b.box, where);
      if (b.area !== undefined && !(Number.isFinite(b.area) && b.area >= 0)) {
        throw new EvaluationInputError(`${where}: area ${b.area} is not a finite number ≥ 0`);
      }
      const g = classIndex(classIndexByName, classes, b.className, where) * I + i;
      gtGroup[n++] = g;
      gtStart[g + 1]!++;
    });
  });
  for (let g = 0; g < K * I; g++) gtStart[g + 1]! += gtStart[g]!;
  const gtX = new Float64Array(numGt);
  const gtY = new Float64Array(numGt);
  const gtW = new Float64Array(numGt);
  const gtH = new Float64Array(numGt);
  const gtArea = new Float64Array(numGt);
  const gtCrowd = new Uint8Array(numGt);
  const gtIgnore = new Uint8Array(numGt);
  const gtDifficult = new Uint8Array(numGt);
  const gtInput = new Int32Array(numGt);
  const fill = gtStart.slice(0, K * I);
  n = 0;
  for (const image of images) {
    image.boxes.forEach((b, j) => {
      const at = fill[gtGroup[n++]!]!++;
      const w = b.box.xmax - b.box.xmin;
      const h = b.box.ymax - b.box.ymin;
      gtX[at] = b.box.xmin;
      gtY[at] = b.box.ymin;
      gtW[at] = w;
      gtH[at] = h;
      gtArea[at] = b.area ?? w * h;
      gtCrowd[at] = b.iscrowd ? 1 : 0;
      gtIgnore[at] = b.ignore ? 1 : 0;
      gtDifficult[at] = b.difficult ? 1 : 0;
      gtInput[at] = j;
    });
  }

  // Detections: counting sort by group, then each group sorted by score (ties: input order).
  const numDt = detections.length;
  const dtGroup = new Int32Array(numDt);
  const dtStart = new Int32Array(K * I + 1);
  detections.forEach((d, j) => {
    const i = imageIndexById.get(d.imageId);
    if (i === undefined) {
      throw new EvaluationInputError(`detection ${j + 1}: image "${d.imageId}" is not in the ground truth`);
    }
    const where = `detection ${j + 1} (image "${d.imageId}")`;
    if (typeof d.score !== "number" || !Number.isFinite(d.score)) {
      throw new EvaluationInputError(`${where}: score ${JSON.stringify(d.score)} is not a finite number`);
    }
    checkBox(d.box, where);
    const g = classIndex(classIndexByName, classes, d.className, where) * I + i;
    dtGroup[j] = g;
    dtStart[g + 1]!++;
  });
  for (let g = 0; g < K * I; g++) dtStart[g + 1]! += dtStart[g]!;
  const dtInput = new Int32Array(numDt);
  const fillDt = dtStart.slice(0, K * I);
  for (let j = 0; j < numDt; j++) dtInput[fillDt[dtGroup[j]!]!++] = j;
  const inputScore = new Float64Array(numDt);
  detections.forEach((d, j) => (inputScore[j] = d.score));
  const byScore = (a: number, b: number) => inputScore[b]! - inputScore[a]! || a - b;
  for (let g = 0; g < K * I; g++) {
    if (dtStart[g + 1]! - dtStart[g]! > 1) dtInput.subarray(dtStart[g]!, dtStart[g + 1]!).sort(byScore);
  }
  const dtX = new Float64Array(numDt);
  const dtY = new Float64Array(numDt);
  const dtW = new Float64Array(numDt);
  const dtH = new Float64Array(numDt);
  const dtScore = new Float64Array(numDt);
  for (let at = 0; at < numDt; at++) {
    const d = detections[dtInput[at]!]!;
    dtX[at] = d.box.xmin;
    dtY[at] = d.box.ymin;
    dtW[at] = d.box.xmax - d.box.xmin;
    dtH[at] = d.box.ymax - d.box.ymin;
    dtScore[at] = d.score;
  }

  return {
    classes,
    imageIds: images.map((image) => image.imageId),
    numClasses: K,
    numImages: I,
    gtStart,
    gtX,
    gtY,
    gtW,
    gtH,
    gtArea,
    gtCrowd,
    gtIgnore,
    gtDifficult,
    gtInput,
    dtStart,
    dtX,
    dtY,
    dtW,
    dtH,
    dtScore,
    dtInput,
  };
}

/**
 * The mean numpy computes for a float64 array (np.mean → pairwise summation, blocks of 8 unrolled
 * up to 128 elements), so averages agree with pycocotools to the last bit, not just to 3 decimals.
 */
export function numpyMean(values: Float64Array, length = values.length): number {
  return pairwiseSum(values, 0, length) / length;
}

function pairwiseSum(a: Float64Array, start: number, n: number): number {
  if (n < 8) {
    let res = 0;
    for (let i = 0; i < n; i++) res += a[start + i]!;
    return res;
  }
  if (n <= 128) {
    let r0 = a[start]!, r1 = a[start + 1]!, r2 = a[start + 2]!, r3 = a[start + 3]!;
    let r4 = a[start + 4]!, r5 = a[start + 5]!, r6 = a[start + 6]!, r7 = a[start + 7]!;
    let i = 8;
    for (; i < n - (n % 8); i += 8) {
      const p = start + i;
      r0 += a[p]!;
      r1 += a[p + 1]!;
      r2 += a[p + 2]!;
      r3 += a[p + 3]!;
      r4 += a[p + 4]!;
      r5 += a[p + 5]!;
      r6 += a[p + 6]!;
      r7 += a[p + 7]!;
    }
    let res = r0 + r1 + (r2 + r3) + (r4 + r5 + (r6 + r7));
    for (; i < n; i++) res += a[start + i]!;
    return res;
  }
  let n2 = Math.floor(n / 2);
  n2 -= n2 % 8;
  return pairwiseSum(a, start, n2) + pairwiseSum(a, start + n2, n - n2);
}
