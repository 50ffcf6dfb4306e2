import type * as tf from "@tensorflow/tfjs";
import type { ModelMetadata } from "@/lib/contracts/artifact";
import type { RecipeOptions } from "@/lib/detection/detector-family";
import { DETECTOR_FAMILIES } from "@/lib/detection/families";
import type { DetectorFamilyId } from "@/lib/domain/detector-families";
import type { BlobStore } from "../platform/storage";
import { metricsOfDetections, type SplitMetrics } from "./evaluate-split";
import { detectOnThreads } from "./detect-threads";
import type { TrainingImage } from "./training-data";

/**
 * Sizes a trained detector may detect at besides its own, as multiples of the size it trained at. Every layer
 * is convolutional, so the same weights run at any input size, and a larger one gives a small
 * face more grid points: on facemask-dev a 416 px detector found faces at AP50 0.614 at 416 px
 * and 0.752 at 704 px (one fold held out; docs/benchmarks.md), while training at a larger size
 * costs its square in every epoch of a CPU budget.
 */
export const LARGER_SIZE_FACTORS = [1.5, 2] as const;

/** A larger size must beat a smaller one on val mAP50 by more than this: it costs latency, and a small val split cannot tell less. */
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

/** The smallest size whose val mAP50 is within DETECTION_SIZE_TOLERANCE of the best. */
export function pickDetectionSize(results: ReadonlyArray<{ size: number; mAP50: number }>): number {
  if (results.length === 0) throw new Error("no detection size was measured");
  const best = Math.max(...results.map((r) => r.mAP50));
  return [...results].sort((a, b) => a.size - b.size).find((r) => r.mAP50 >= best - DETECTION_SIZE_TOLERANCE)!.size;
}

/** A whole detector of the family at options.inputSize with the given weights (a trained detector's getWeights(), at any size). */
export function modelAtSize(kind: DetectorFamilyId, weights: tf.Tensor[], options: RecipeOptions): tf.LayersModel {
  // The same layers in the same order at another input shape; its initial weights are overwritten.
  const model = DETECTOR_FAMILIES[kind].recipe.buildTrainable(options, {});
  model.setWeights(weights);
  return model;
}

export interface SizedDetector {
  /** the whole detector at the chosen size (the trained one when that is its own size) */
  full: tf.LayersModel;
  metadata: ModelMetadata;
  /** val figures at every candidate size, smallest first */
  valBySize: Array<{ size: number; metrics: SplitMetrics }>;
  /** val figures at the chosen size */
  val: SplitMetrics;
}

/**
 * Measures a trained detector on val at each candidate size (detectionSizeCandidates) and keeps
 * the one pickDetectionSize chooses, rebuilt at that size with the trained weights; the models of
 * the other sizes, the trained one included when it is not chosen, are disposed. Val passes run
 * on `threads` detection threads (detect-threads.ts).
 */
export async function chooseDetectionSize(kind: DetectorFamilyId, fitted: { full: tf.LayersModel; metadata: ModelMetadata }, store: BlobStore, fit: { options: RecipeOptions; sizes: readonly number[]; classes: string[]; val: readonly TrainingImage[]; threads?: number; progress?: (done: number, total: number) => Promise<void> }): Promise<SizedDetector> {
  const { sizes } = fit;
  const weights = fitted.full.getWeights();
  const measured: Array<{ size: number; metrics: SplitMetrics; full: tf.LayersModel }> = [];
  for (const size of sizes) {
    const full = size === fitted.metadata.inputSize ? fitted.full : modelAtSize(kind, weights, { ...fit.options, inputSize: size });
    const metrics = metricsOfDetections(await detectOnThreads(full, { ...fitted.metadata, inputSize: size }, fit.threads ?? 1, store, fit.val), fit.classes);
    measured.push({ size, metrics, full });
    await fit.progress?.(measured.length, sizes.length);
  }
  const chosen = measured.find((m) => m.size === pickDetectionSize(measured.map((m) => ({ size: m.size, mAP50: m.metrics.mAP50 }))))!;
  for (const m of measured) if (m !== chosen) m.full.dispose();
  return { full: chosen.full, metadata: { ...fitted.metadata, inputSize: chosen.size }, valBySize: measured.map(({ size, metrics }) => ({ size, metrics })), val: chosen.metrics };
}
