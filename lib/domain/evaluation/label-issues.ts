import type { PixelBox } from "../box";
import { boxIou, isIgnoredRegion, prepareEvaluation } from "./prepared";
import type { Detection, EvaluationInput, GroundTruthBox } from "./types";

/**
 * Label-issue finder: from a model's OUT-OF-SAMPLE predictions (its test split, never images it
 * trained on, or it will simply agree with the labels it learnt), rank images whose labels are
 * probably wrong. A simplified version of cleanlab's object-detection label quality (ObjectLab,
 * Tkachenko et al. 2023): a confident prediction the labels cannot explain accuses a label.
 *
 * Rules, per image, with minScore s (default 0.5), matchIou τ (default 0.5) and overlapIou ω
 * (default 0.1); "prediction" below means a prediction that does not overlap a crowd/ignore box
 * with IoU ≥ τ (crowd IoU: intersection / prediction area, as COCO): those accuse nothing, and
 * crowd/ignore boxes themselves are never accused.
 * (a) overlooked: a prediction with score ≥ s whose IoU with every label of any class (crowd
 *     and ignore boxes included) is < ω → suspicion = score. Predictions that would report the
 *     same object (IoU ≥ τ with a higher-scoring reported one, any class) report once.
 * (b) swapped_class: a label of class t overlapped (IoU ≥ τ) by a prediction of class p ≠ t with
 *     score ≥ s, when every class-t prediction at IoU ≥ τ over it (of any score) scores lower →
 *     suspicion = score_p − best such class-t score (0 if none); only the highest-scoring
 *     accuser counts.
 * (c) badly_located: a label of class t with no class-t prediction of score ≥ s at IoU ≥ τ, but
 *     one at ω ≤ IoU < τ → suspicion = score × (1 − IoU) of the highest-scoring such prediction.
 *     A prediction that matches another class-t label (IoU ≥ τ) is that label's and accuses no
 *     neighbour: in crowded images adjacent faces overlap a little.
 * A label yields at most one issue: when (b) and (c) both apply, the higher suspicion (ties: (b)).
 * Scores are assumed in [0, 1], so suspicion is in (0, 1]; ties between predictions of equal
 * score go to the first in input order.
 */
export type LabelIssueKind = "overlooked" | "swapped_class" | "badly_located";

export interface LabelIssue {
  kind: LabelIssueKind;
  imageId: string;
  /** the box to highlight: the prediction's for overlooked, the label's otherwise */
  box: PixelBox;
  /** null for overlooked */
  labelClassName: string | null;
  /** index of the label in the image's boxes; null for overlooked */
  gtIndex: number | null;
  predictedClassName: string;
  predictionScore: number;
  /** IoU of the accusing prediction with the label (overlooked: its highest IoU with any label) */
  iou: number;
  /** in (0, 1]; higher = more likely a labelling error */
  suspicion: number;
  /** one plain-English sentence for the reviewer */
  explanation: string;
}

export interface ImageLabelIssues {
  imageId: string;
  /** the highest suspicion of its issues */
  suspicion: number;
  /** suspicion descending (ties: labels in box order, then overlooked objects in score order) */
  issues: LabelIssue[];
}

export interface LabelIssueOptions {
  /** only predictions at least this confident accuse a label (default 0.5) */
  minScore?: number;
  /** IoU at which a prediction and a label are the same object (default 0.5) */
  matchIou?: number;
  /** IoU below which a prediction does not touch a label at all (default 0.1) */
  overlapIou?: number;
}

/** Images with at least one issue, most suspicious first (ties: input image order). */
export function findLabelIssues(input: EvaluationInput, options: LabelIssueOptions = {}): ImageLabelIssues[] {
  const thresholds: Thresholds = {
    minScore: options.minScore ?? 0.5,
    matchIou: options.matchIou ?? 0.5,
    overlapIou: options.overlapIou ?? 0.1,
  };
  prepareEvaluation(input); // validation only: same errors as every other metric

  const predictionsByImage = new Map<string, Detection[]>();
  for (const d of input.detections) {
    const list = predictionsByImage.get(d.imageId);
    if (list) list.push(d);
    else predictionsByImage.set(d.imageId, [d]);
  }

  const found: ImageLabelIssues[] = [];
  for (const image of input.images) {
    const labels = image.boxes;
    const predictions = (predictionsByImage.get(image.imageId) ?? [])
      // stable sort: equal scores keep input order
      .sort((x, y) => y.score - x.score)
      .filter((d) => !labels.some((b) => isIgnoredRegion(b) && boxIou(d.box, b.box, b.iscrowd === true) >= thresholds.matchIou));

    const issues: LabelIssue[] = [];
    labels.forEach((label, gtIndex) => {
      if (isIgnoredRegion(label)) return;
      const swapped = swappedClassIssue(image.imageId, label, gtIndex, predictions, thresholds);
      const misplaced = badlyLocatedIssue(image.imageId, labels, gtIndex, predictions, thresholds);
      const issue = swapped && misplaced && misplaced.suspicion > swapped.suspicion ? misplaced : (swapped ?? misplaced);
      if (issue) issues.push(issue);
    });
    issues.push(...overlookedIssues(image.imageId, labels, predictions, thresholds));
    if (issues.length === 0) continue;
    issues.sort((x, y) => y.suspicion - x.suspicion); // stable
    found.push({ imageId: image.imageId, suspicion: issues[0]!.suspicion, issues });
  }
  return found.sort((x, y) => y.suspicion - x.suspicion); // stable: input image order on ties
}

interface Thresholds {
  minScore: number;
  matchIou: number;
  overlapIou: number;
}

const formatScore = (x: number): string => x.toFixed(2);

/** Rule (b); `predictions` are in score order, so the first accuser found is the strongest. */
function swappedClassIssue(
  imageId: string,
  label: GroundTruthBox,
  gtIndex: number,
  predictions: readonly Detection[],
  { minScore, matchIou }: Thresholds,
): LabelIssue | null {
  let bestSameClassScore = 0;
  let accuser: { prediction: Detection; iou: number } | null = null;
  for (const d of predictions) {
    const v = boxIou(d.box, label.box, false);
    if (v < matchIou) continue;
    if (d.className === label.className) bestSameClassScore = Math.max(bestSameClassScore, d.score);
    else if (accuser === null && d.score >= minScore) accuser = { prediction: d, iou: v };
  }
  if (accuser === null || accuser.prediction.score <= bestSameClassScore) return null;
  const { prediction, iou } = accuser;
  const support =
    bestSameClassScore > 0
      ? `the best ${label.className} prediction there scores ${formatScore(bestSameClassScore)}`
      : `no ${label.className} prediction covers it`;
  return {
    kind: "swapped_class",
    imageId,
    box: label.box,
    labelClassName: label.className,
    gtIndex,
    predictedClassName: prediction.className,
    predictionScore: prediction.score,
    iou,
    suspicion: prediction.score - bestSameClassScore,
    explanation: `labelled ${label.className}, but a ${prediction.className} prediction (${formatScore(prediction.score)}) covers it at IoU ${formatScore(iou)} and ${support}`,
  };
}

/** Rule (c). */
function badlyLocatedIssue(
  imageId: string,
  labels: readonly GroundTruthBox[],
  gtIndex: number,
  predictions: readonly Detection[],
  { minScore, matchIou, overlapIou }: Thresholds,
): LabelIssue | null {
  const label = labels[gtIndex]!;
  const matchesAnotherLabel = (d: Detection) =>
    labels.some(
      (other, j) =>
        j !== gtIndex && !isIgnoredRegion(other) && other.className === d.className && boxIou(d.box, other.box, false) >= matchIou,
    );
  let loose: { prediction: Detection; iou: number } | null = null;
  for (const d of predictions) {
    if (d.className !== label.className || d.score < minScore) continue;
    const v = boxIou(d.box, label.box, false);
    if (v >= matchIou) return null; // a confident prediction agrees with the box
    if (loose === null && v >= overlapIou && !matchesAnotherLabel(d)) loose = { prediction: d, iou: v };
  }
  if (loose === null) return null;
  const { prediction, iou } = loose;
  return {
    kind: "badly_located",
    imageId,
    box: label.box,
    labelClassName: label.className,
    gtIndex,
    predictedClassName: prediction.className,
    predictionScore: prediction.score,
    iou,
    suspicion: prediction.score * (1 - iou),
    explanation: `the best ${label.className} prediction (${formatScore(prediction.score)}) overlaps this ${label.className} label only at IoU ${formatScore(iou)}`,
  };
}

/** Rule (a); `predictions` are in score order, so the first of a group of duplicates is reported. */
function overlookedIssues(
  imageId: string,
  labels: readonly GroundTruthBox[],
  predictions: readonly Detection[],
  { minScore, matchIou, overlapIou }: Thresholds,
): LabelIssue[] {
  const reported: LabelIssue[] = [];
  for (const d of predictions) {
    if (d.score < minScore) break;
    let highestIou = 0;
    for (const b of labels) highestIou = Math.max(highestIou, boxIou(d.box, b.box, b.iscrowd === true));
    if (highestIou >= overlapIou) continue;
    if (reported.some((r) => boxIou(d.box, r.box, false) >= matchIou)) continue;
    reported.push({
      kind: "overlooked",
      imageId,
      box: d.box,
      labelClassName: null,
      gtIndex: null,
      predictedClassName: d.className,
      predictionScore: d.score,
      iou: highestIou,
      suspicion: d.score,
      explanation: `a confident ${d.className} prediction (${formatScore(d.score)}) overlaps no label`,
    });
  }
  return reported;
}
