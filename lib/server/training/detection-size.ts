import type * as tf from "@tensorflow/tfjs";
import type { ModelMetadata } from "@/lib/contracts/artifact";
import type { RecipeOptions } from "@/lib/detection/detector-family";
import { DETECTOR_FAMILIES } from "@/lib/detection/families";
import type { DetectorFamilyId } from "@/lib/domain/detector-families";
import type { DetectionSizeCriterion } from "@/lib/domain/states";
import type { BlobStore } from "../platform/storage";
import { EVALUATION_POSTPROCESS, FACES_POSTPROCESS, facesAP50OfDetections, metricsOfDetections, type SplitMetrics } from "./evaluate-split";
import { detectOnThreadsEachWay } from "./detect-threads";
import type { TrainingImage } from "./training-data";

/**
 * Sizes a trained detector may detect at besides its own, as multiples of the size it trained at. Every layer
 * is convolutional, so the same weights run at any input size, and a larger one gives a small
 * face more grid points: on facemask-dev a 416 px detector found faces at AP50 0.614 at 416 px
 * and 0.752 at 704 px (one fold held out; docs/benchmarks.md), while training at a larger size
 * costs its square in every epoch of a CPU budget.
 */
export const LARGER_SIZE_FACTORS = [1.5, 2] as const;

/** A larger size must beat a smaller one on val by more than this: it costs latency, and a small val split cannot tell less. */
export const DETECTION_SIZE_TOLERANCE = 0.005;

/** The largest size a detector is tried at: the largest a job may train at, whose batches of 8 still fit a wasm worker's memory. */
export const MAX_DETECTION_SIZE = 1024;

/**
 * The candidate input sizes for a detector trained at `trainingSize`, rounded to the coarsest
 * stride (32), up to MAX_DETECTION_SIZE, smallest first; only the training size when `larger` is false.
 */
export function detectionSizeCandidates(trainingSize: number, larger = true): number[] {
  const scaled = larger ? LARGER_SIZE_FACTORS.map((factor) => Math.round((trainingSize * factor) / 32) * 32) : [];
  // Ascending factors give ascending sizes; a small size may round two factors to one.
  return [...new Set([trainingSize, ...scaled.filter((size) => size > trainingSize && size <= MAX_DETECTION_SIZE)])];
}

/** The smallest size whose val figure on `criterion` is within DETECTION_SIZE_TOLERANCE of the best. */
export function pickDetectionSize(results: ReadonlyArray<{ size: number } & Partial<Record<DetectionSizeCriterion, number>>>, criterion: DetectionSizeCriterion = "mAP50"): number {
  if (results.length === 0) throw new Error("no detection size was measured");
  const figureOf = (r: (typeof results)[number]) => {
    const figure = r[criterion];
    if (figure === undefined) throw new Error(`detection size ${r.size} px has no val ${criterion}`);
    return figure;
  };
  const best = Math.max(...results.map(figureOf));
  return [...results].sort((a, b) => a.size - b.size).find((r) => figureOf(r) >= best - DETECTION_SIZE_TOLERANCE)!.size;
}

/** A whole detector of the family at options.inputSize with the given weights (a trained detector's getWeights(), at any size). */
export function modelAtSize(kind: DetectorFamilyId, weights: tf.Tensor[], options: RecipeOptions): tf.LayersModel {
  // The same layers in the same order at another input shape; its initial weights are overwritten.
  const model = DETECTOR_FAMILIES[kind].recipe.buildTrainable(options, {});
  model.setWeights(weights);
  return model;
}

/** A detector at one size with its own classes' val figures there. */
export interface DetectorAtSize {
  full: tf.LayersModel;
  metadata: ModelMetadata;
  val: SplitMetrics;
}

/** One candidate size's val figures: the detector's own classes, and how well it finds faces where that was measured. */
export interface SizeFigures {
  size: number;
  metrics: SplitMetrics;
  facesAP50?: number;
}

export interface SizedDetector extends DetectorAtSize {
  /** the criterion the size was chosen on */
  chosenBy: DetectionSizeCriterion;
  /** val figures at every candidate size, smallest first */
  valBySize: SizeFigures[];
  /**
   * the detector at the size its own classes do best at on val: what a job keeps when the mask
   * judge is left out (keptDetector). The same object as this one when both criteria agree.
   */
  withoutJudge: DetectorAtSize;
}

/**
 * Measures a trained detector on val at each candidate size (detectionSizeCandidates) and keeps
 * the one pickDetectionSize chooses on `criterion`, rebuilt at that size with the trained weights.
 * With "facesAP50" (a mask judge will give the faces their classes) each size's forward pass is
 * also post-processed as a `faces` pass: at a larger size a one-stage detector trained at 416 px
 * finds more faces while its own classes get worse (docs/benchmarks.md), and its own classes are
 * what the judge replaces; the size its own classes do best at is kept too, as `withoutJudge`. The
 * other sizes' models, the trained one included when it is not kept, are disposed. Val passes run
 * on `threads` detection threads (detect-threads.ts).
 */
export async function chooseDetectionSize(kind: DetectorFamilyId, fitted: { full: tf.LayersModel; metadata: ModelMetadata }, store: BlobStore, fit: { options: RecipeOptions; sizes: readonly number[]; classes: string[]; val: readonly TrainingImage[]; criterion?: DetectionSizeCriterion; threads?: number; progress?: (done: number, total: number) => Promise<void> }): Promise<SizedDetector> {
  const { sizes } = fit;
  const criterion = fit.criterion ?? "mAP50";
  const threads = fit.threads ?? 1;
  const weights = fitted.full.getWeights();
  const measured: Array<SizeFigures & { full: tf.LayersModel }> = [];
  for (const size of sizes) {
    const full = size === fitted.metadata.inputSize ? fitted.full : modelAtSize(kind, weights, { ...fit.options, inputSize: size });
    const metadata = { ...fitted.metadata, inputSize: size };
    // One forward pass per photo serves both: the detector's own classes, and with a judge its faces.
    const [own, faces] = await detectOnThreadsEachWay(full, metadata, threads, store, fit.val, criterion === "facesAP50" ? [EVALUATION_POSTPROCESS, FACES_POSTPROCESS] : [EVALUATION_POSTPROCESS]);
    const metrics = metricsOfDetections(own!, fit.classes);
    const facesAP50 = faces && facesAP50OfDetections(faces);
    measured.push({ size, metrics, full, ...(facesAP50 !== undefined && { facesAP50 }) });
    await fit.progress?.(measured.length, sizes.length);
  }
  const figures = measured.map((m) => ({ size: m.size, mAP50: m.metrics.mAP50, facesAP50: m.facesAP50 }));
  const atSize = (size: number): DetectorAtSize => {
    const m = measured.find((candidate) => candidate.size === size)!;
    return { full: m.full, metadata: { ...fitted.metadata, inputSize: size }, val: m.metrics };
  };
  const chosen = atSize(pickDetectionSize(figures, criterion));
  const ownClassesSize = pickDetectionSize(figures, "mAP50");
  const withoutJudge = ownClassesSize === chosen.metadata.inputSize ? chosen : atSize(ownClassesSize);
  for (const m of measured) if (m.full !== chosen.full && m.full !== withoutJudge.full) m.full.dispose();
  return { ...chosen, chosenBy: criterion, valBySize: measured.map(({ size, metrics, facesAP50 }) => ({ size, metrics, ...(facesAP50 !== undefined && { facesAP50 }) })), withoutJudge };
}

/**
 * The detector a job keeps once the mask judge has had its say: the chosen size with the judge
 * when the judge is kept, else the size its own classes do best at (SizedDetector.withoutJudge),
 * without it. The model not kept, when they differ, is disposed.
 */
export function keptDetector(sized: SizedDetector, judge: { kept: boolean; metadata: ModelMetadata } | null): DetectorAtSize {
  const kept: DetectorAtSize = judge?.kept ? { full: sized.full, metadata: judge.metadata, val: sized.val } : sized.withoutJudge;
  const other = kept.full === sized.full ? sized.withoutJudge.full : sized.full;
  if (other !== kept.full) other.dispose();
  return kept;
}
