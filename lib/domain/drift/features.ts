import { countBins, DEFAULT_BIN_COUNT, referenceBins } from "./binning";
import { MIN_WINDOW_PREDICTIONS } from "./status";
import { categoryCounts } from "./categories";

/**
 * The features drift is watched on. Image-level features have one value per logged prediction,
 * box-level ones one value per detected box (serving's post-processing: one class per box, the
 * model's score threshold). The embedding is watched apart (cosine distance of means).
 */
export type FeatureLevel = "image" | "box";
export type FeatureKind = "numeric" | "categorical";

export interface MonitoredFeature {
  name: FeatureName;
  label: string;
  level: FeatureLevel;
  kind: FeatureKind;
  description: string;
}

export const MONITORED_FEATURES = [
  { name: "brightness", label: "Brightness", level: "image", kind: "numeric", description: "mean luma of the image, 0 (black) to 1 (white)" },
  { name: "contrast", label: "Contrast", level: "image", kind: "numeric", description: "RMS contrast: standard deviation of luma, 0 to 0.5" },
  { name: "sharpness", label: "Sharpness", level: "image", kind: "numeric", description: "variance of the Laplacian of luma; low means blurred" },
  { name: "megapixels", label: "Image size", level: "image", kind: "numeric", description: "width × height in megapixels" },
  { name: "box_count", label: "Boxes per image", level: "image", kind: "numeric", description: "detections per image" },
  { name: "max_confidence", label: "Top confidence", level: "image", kind: "numeric", description: "highest detection score of the image (images without a detection count as missing)" },
  { name: "confidence", label: "Box confidence", level: "box", kind: "numeric", description: "score of every detected box" },
  { name: "box_size", label: "Box size", level: "box", kind: "numeric", description: "√(box area / image area): a face's size relative to the frame" },
  { name: "class_mix", label: "Class mix", level: "box", kind: "categorical", description: "share of detected boxes per class" },
] as const satisfies ReadonlyArray<Omit<MonitoredFeature, "name"> & { name: string }>;

export type FeatureName = (typeof MONITORED_FEATURES)[number]["name"];
export const FEATURE_NAMES = MONITORED_FEATURES.map((f) => f.name) as FeatureName[];
/** The embedding's pseudo-feature name, for thresholds and alerts. */
export const EMBEDDING_FEATURE = "embedding";

export function featureOf(name: string): MonitoredFeature | undefined {
  return MONITORED_FEATURES.find((f) => f.name === name);
}

/** What one logged prediction contributes: its image-level values and its boxes. */
export interface ObservedPrediction {
  brightness: number;
  contrast: number;
  sharpness: number;
  imageWidth: number;
  imageHeight: number;
  boxes: ReadonlyArray<{ className: string; score: number; relativeSize: number }>;
}

/** √(box area / image area), the box-size feature, from a box in image pixels. */
export function relativeBoxSize(box: { xmin: number; ymin: number; xmax: number; ymax: number }, imageWidth: number, imageHeight: number): number {
  const area = Math.max(0, box.xmax - box.xmin) * Math.max(0, box.ymax - box.ymin);
  return Math.sqrt(area / (imageWidth * imageHeight));
}

/** A prediction's detections as the box-level features see them: class, score and relative size. */
export function observedBoxes(detections: ReadonlyArray<{ className: string; score: number; box: { xmin: number; ymin: number; xmax: number; ymax: number } }>, imageWidth: number, imageHeight: number): ObservedPrediction["boxes"][number][] {
  return detections.map((d) => ({ className: d.className, score: d.score, relativeSize: relativeBoxSize(d.box, imageWidth, imageHeight) }));
}

/** Image-level numeric values of one prediction (NaN where a value does not exist: missing). */
export function imageFeatureValues(p: ObservedPrediction): Record<Exclude<FeatureName, "confidence" | "box_size" | "class_mix">, number> {
  return {
    brightness: p.brightness,
    contrast: p.contrast,
    sharpness: p.sharpness,
    megapixels: (p.imageWidth * p.imageHeight) / 1e6,
    box_count: p.boxes.length,
    max_confidence: p.boxes.length ? Math.max(...p.boxes.map((b) => b.score)) : Number.NaN,
  };
}

export type FeatureReference =
  | { kind: "numeric"; edges: number[]; counts: number[]; missing: number }
  | { kind: "categorical"; categories: string[]; counts: number[] };

/** A baseline's references, one per monitored feature (features with no reference value are absent). */
export type ReferenceSet = Partial<Record<FeatureName, FeatureReference>>;

/** Window counts in the same layouts as the references. */
export type WindowCounts = Partial<Record<FeatureName, { counts: number[]; missing: number }>>;

/** The PSI that sampling noise alone may contribute at the minimum window size. */
export const PSI_NOISE_BUDGET = 0.05;

/**
 * How many quantile bins a reference of `referenceSize` values can afford. Two samples of the
 * same distribution give PSI ≈ (k − 1)(1/N + 1/M) over k bins (a χ² with k − 1 degrees of
 * freedom, scaled), so with B regular bins plus the two out-of-range ones (k = B + 2) this is the
 * largest B ≤ 10 keeping that below PSI_NOISE_BUDGET for a window of MIN_WINDOW_PREDICTIONS,
 * and never fewer than 2. A small baseline (85 validation and test images) gets coarse bins
 * instead of alarming on noise.
 */
export function binCountForNoise(referenceSize: number, windowSize: number = MIN_WINDOW_PREDICTIONS): number {
  const perDegree = 1 / referenceSize + 1 / windowSize;
  let bins = 2;
  for (let b = 2; b <= DEFAULT_BIN_COUNT; b++) if ((b + 1) * perDegree <= PSI_NOISE_BUDGET) bins = b;
  return bins;
}

/**
 * References from the baseline's predictions: numeric features get quantile edges (as many bins
 * as binCountForNoise allows, plus under/overflow, lib/domain/drift/binning) fixed from these values; the class mix gets the
 * model's classes as its categories (plus "other"), so a class the reference never predicted is
 * still a bin of its own.
 */
export function buildReferences(predictions: readonly ObservedPrediction[], classes: readonly string[]): ReferenceSet {
  const references: ReferenceSet = {};
  const boxes = predictions.flatMap((p) => p.boxes);
  for (const feature of MONITORED_FEATURES) {
    if (feature.kind === "categorical") {
      // No boxes at all: no class mix to compare with (an all-zero reference would make every
      // window with a box throw in psi/klDivergence), so it is absent like the box-level numerics.
      if (boxes.length) references[feature.name] = { kind: "categorical", categories: [...classes], counts: categoryCounts(boxes.map((b) => b.className), classes) };
      continue;
    }
    const values = numericValues(feature.name, predictions);
    if (!values.some((v) => Number.isFinite(v))) continue;
    const { edges } = referenceBins(values, { bins: binCountForNoise(values.filter((v) => Number.isFinite(v)).length) });
    references[feature.name] = { kind: "numeric", edges, ...countBins(edges, values) };
  }
  return references;
}

/**
 * The counts a window is compared with its reference on. A numeric reference's underflow and
 * overflow bins are empty by construction (its edges span its min and max), yet a new value of
 * the very same distribution falls beyond the extremes of N reference values with probability
 * 1/(N + 1) on each side. Left empty (floored to ε = 10⁻⁴), the 1.6 % of a stable window that lands
 * there by chance with N = 128 would alone add ≈ 0.08 to PSI: on facemask-dev, a stable stream
 * read as "warning" from that. So both sides' out-of-range bins get that chance share added:
 * q·N to the reference's and q·M to the window's (q = 1/(N + 1), M the window's total). Equal
 * shares stay equal (identical distributions still give 0); a window piling up beyond the
 * extremes still shows it. Regular bins and categories are compared as counted.
 */
export function comparisonCounts(reference: FeatureReference, window: readonly number[]): { reference: number[]; window: number[] } {
  if (reference.kind === "categorical") return { reference: reference.counts, window: [...window] };
  const n = reference.counts.reduce((a, b) => a + b, 0);
  const m = window.reduce((a, b) => a + b, 0);
  const q = 1 / (n + 1);
  const last = reference.counts.length - 1;
  const widen = (counts: readonly number[], total: number) => counts.map((c, i) => (i === 0 || i === last ? c + q * total : c));
  return { reference: widen(reference.counts, n), window: widen(window, m) };
}

/** Window counts computed in memory, the same as the SQL aggregation gives (used for tests and small windows). */
export function countWindow(references: ReferenceSet, predictions: readonly ObservedPrediction[]): WindowCounts {
  const counts: WindowCounts = {};
  for (const feature of MONITORED_FEATURES) {
    const reference = references[feature.name];
    if (!reference) continue;
    if (reference.kind === "categorical") {
      counts[feature.name] = { counts: categoryCounts(predictions.flatMap((p) => p.boxes.map((b) => b.className)), reference.categories), missing: 0 };
    } else {
      counts[feature.name] = countBins(reference.edges, numericValues(feature.name, predictions));
    }
  }
  return counts;
}

function numericValues(name: FeatureName, predictions: readonly ObservedPrediction[]): number[] {
  if (name === "confidence") return predictions.flatMap((p) => p.boxes.map((b) => b.score));
  if (name === "box_size") return predictions.flatMap((p) => p.boxes.map((b) => b.relativeSize));
  if (name === "class_mix") throw new RangeError("class_mix is categorical");
  return predictions.map((p) => imageFeatureValues(p)[name]);
}
