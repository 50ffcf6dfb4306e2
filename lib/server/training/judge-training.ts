import * as tf from "@tensorflow/tfjs";
import type { MaskJudge, ModelMetadata } from "@/lib/contracts/artifact";
import type { Detector } from "@/lib/detection/detector";
import { jitteredBox } from "@/lib/detection/judge/crop";
import { cropFeatures, DEFAULT_JUDGE_TRAINING, judgeFeatureModel, trainJudgeLayer } from "@/lib/detection/judge/mask-judge";
import { SeededRandom } from "@/lib/domain/random";
import type { BlobStore } from "../platform/storage";
import { detectImages, metricsOfDetections, yieldToEventLoop, type SplitMetrics } from "./evaluate-split";
import { decodePixels, type TrainingImage } from "./training-data";

/**
 * The judge's crop and views, chosen on the recipe bench (README, "Model quality"), and its
 * scoring: the geometric mean keeps the product's ranking on a detector's score scale, where the
 * product of two views' averaged (less peaked) probabilities fell under serving's threshold.
 */
export const JUDGE_RECIPE = { cropSize: 192, margin: 0.1, minFaceScore: 0.02, mirrored: true, scoring: "geometric-mean" } as const;
/**
 * How far val mAP50 may fall with the judge before it is left out. A val split of a few dozen
 * photos is noisy: on the recipe bench the judge raised held-out mAP50 in every fold measured,
 * once by 0.055 where val (41 photos) said 0.007 less.
 */
export const JUDGE_VAL_TOLERANCE = 0.02;
/** Jittered copies of each training face besides the plain and mirrored crops, and how far they stray. */
const JUDGE_JITTERED_COPIES = 1;
const JUDGE_JITTER = 0.12;

/** Pooled backbone features of every labelled face of `images` (plain, mirrored, jittered), with their class indexes. */
export async function faceCropFeatures(featureModel: tf.LayersModel, store: BlobStore, images: readonly TrainingImage[], seed: number, progress?: (done: number) => Promise<void>) {
  const random = new SeededRandom(seed);
  const rows: Float32Array[] = [];
  const labels: number[] = [];
  for (const [i, image] of images.entries()) {
    if (image.boxes.length > 0) {
      const pixels = await decodePixels(store, image.contentHash);
      const boxes = image.boxes.map((b) => b.box);
      const variants: Array<{ boxes: typeof boxes; flip: boolean }> = [
        { boxes, flip: false },
        { boxes, flip: true },
        ...Array.from({ length: JUDGE_JITTERED_COPIES }, () => ({ boxes: boxes.map((box) => jitteredBox(box, JUDGE_JITTER, () => random.next())), flip: random.next() < 0.5 })),
      ];
      for (const variant of variants) {
        // A mirrored crop of a face is the crop of the mirrored face: the box stays, the crop flips.
        const features = cropFeatures(featureModel, pixels, variant.boxes, JUDGE_RECIPE, variant.flip);
        rows.push((await features.data()) as Float32Array);
        features.dispose();
        labels.push(...image.boxes.map((b) => b.classIndex));
      }
      pixels.dispose();
    }
    await progress?.(i + 1);
    await yieldToEventLoop();
  }
  const features = new Float32Array(rows.reduce((n, r) => n + r.length, 0));
  let at = 0;
  for (const row of rows) {
    features.set(row, at);
    at += row.length;
  }
  return { features, labels };
}

export interface JudgeOutcome {
  /** metadata with the judge when it was kept, else as given */
  metadata: ModelMetadata;
  kept: boolean;
  /** the judge as trained, kept or not */
  judge: MaskJudge;
  faces: number;
  seconds: number;
  valWithout: SplitMetrics;
  valWith: SplitMetrics;
}

/**
 * Trains the mask judge on the training split's faces, through the trained detector's backbone,
 * then measures val mAP with the detector's own classes and with the judge's; the judge is kept
 * unless it lowers val mAP50 by more than JUDGE_VAL_TOLERANCE (the test split is never read).
 */
export async function fitMaskJudge(full: tf.LayersModel, metadata: ModelMetadata, detectorOf: (metadata: ModelMetadata) => Detector, store: BlobStore, fit: { train: readonly TrainingImage[]; val: readonly TrainingImage[]; classes: string[]; seed: number; progress?: (done: number) => Promise<void> }): Promise<JudgeOutcome> {
  const started = performance.now();
  const featureModel = judgeFeatureModel(JUDGE_RECIPE.cropSize, full);
  let layer: Pick<MaskJudge, "weights" | "bias">;
  let faces: number;
  try {
    const { features, labels } = await faceCropFeatures(featureModel, store, fit.train, fit.seed, fit.progress);
    faces = labels.length;
    layer = await trainJudgeLayer(features, labels, fit.classes.length, { ...DEFAULT_JUDGE_TRAINING, seed: fit.seed });
  } finally {
    featureModel.dispose();
  }
  const judged: ModelMetadata = { ...metadata, judge: { ...JUDGE_RECIPE, ...layer } };
  const valWithout = await valMetrics(detectorOf(metadata), store, fit.val, fit.classes);
  const valWith = await valMetrics(detectorOf(judged), store, fit.val, fit.classes);
  const kept = valWith.mAP50 >= valWithout.mAP50 - JUDGE_VAL_TOLERANCE;
  return { metadata: kept ? judged : metadata, kept, judge: judged.judge!, faces, seconds: Math.round((performance.now() - started) / 1000), valWithout, valWith };
}

/** val figures; the detector shares the trained model, so it is not disposed here (the job's last detector frees the model and its judge's backbone). */
async function valMetrics(detector: Detector, store: BlobStore, val: readonly TrainingImage[], classes: string[]): Promise<SplitMetrics> {
  return metricsOfDetections(await detectImages(detector, store, val), classes);
}
