import * as tf from "@tensorflow/tfjs";
import type { MaskJudge, ModelMetadata } from "@/lib/contracts/artifact";
import { modelToFiles } from "@/lib/detection/artifact";
import type { Detector } from "@/lib/detection/detector";
import { jitteredBox } from "@/lib/detection/judge/crop";
import { findLabel } from "@/lib/detection/judge/finds";
import { cropFeatures, DEFAULT_JUDGE_TRAINING, judgeFeatureModel, trainJudgeLayer } from "@/lib/detection/judge/mask-judge";
import type { PixelBox } from "@/lib/domain/box";
import { SeededRandom } from "@/lib/domain/random";
import { pixelsTensor } from "@/lib/detection/common/preprocess";
import { decodeImageRgb } from "@/lib/server/images/decode";
import type { BlobStore } from "../platform/storage";
import { EVALUATION_POSTPROCESS, metricsOfDetections, yieldToEventLoop, type SplitMetrics } from "./evaluate-split";
import { detectOnThreads } from "./detect-threads";
import { handOut } from "./hand-out";
import { withJudgeThreads } from "./judge-threads";
import type { TrainingImage } from "./training-data";

/**
 * How far val mAP50 may fall with the judge before it is left out. A val split of a few dozen
 * photos is noisy: on the recipe bench the judge raised held-out mAP50 in every fold measured,
 * once by 0.055 where val (41 photos) said 0.007 less.
 */
export const JUDGE_VAL_TOLERANCE = 0.02;
/** Jittered copies of each training face besides the plain and mirrored crops, and how far they stray. */
const JUDGE_JITTERED_COPIES = 1;
const JUDGE_JITTER = 0.12;

/**
 * The detector's own finds on the train split teach the judge a fourth class, not a face: finds
 * overlapping no labelled face (IoU under `backgroundIou`) are its examples, finds on a labelled
 * face (IoU at least `faceIou`) more examples of that face's class, finds in between none; each
 * read as cropped and mirrored. On the recipe bench's saved out-of-fold finds (5 folds by photo)
 * it raised mAP50 from 0.449 to 0.474 and faces-only AP50 from 0.665 to 0.697 by rejecting false
 * finds; finds from 0.02 gave 0.477 for a third more crops, finds read once 0.463
 * (docs/benchmarks.md, "Judging studies").
 */
export const JUDGE_FINDS = { minFaceScore: 0.05, maxPerImage: 50, faceIou: 0.5, backgroundIou: 0.3 } as const;

/**
 * The judge's crop and views, chosen on the recipe bench (README, "Model quality"), and its
 * scoring: the geometric mean keeps the product's ranking on a detector's score scale, where the
 * product of two views' averaged (less peaked) probabilities fell under serving's threshold.
 * It judges the faces it learned from (JUDGE_FINDS): faces under 0.05 cost two crops each and
 * barely count: on val, judging from 0.05 instead of 0.02 gave mAP50 0.549 for 0.551 (a 17-epoch
 * one-stage model, 8.3 faces a photo for 11.7) and 0.510 for 0.510 (a 3-epoch two-stage one, 49
 * for 66). It judges each face once: a fainter box overlapping a stronger one by IoU 0.45 or more
 * is the same face (the detectors' own NMS keeps boxes up to 0.6, and a duplicate judged
 * `mask_weared_incorrect` is a false find of the rarest class). On the two 30-minute jobs' models,
 * val mAP50 at 0.6 / 0.5 / 0.45 / 0.4: 0.570 / 0.612 / 0.617 / 0.621 (two-stage, 36.5 → 25.2 faces a
 * photo at 0.45) and 0.558 / 0.565 / 0.564 / 0.565 (one-stage; test 0.581 → 0.584).
 */
export const JUDGE_RECIPE = { cropSize: 192, margin: 0.1, minFaceScore: JUDGE_FINDS.minFaceScore, mirrored: true, scoring: "geometric-mean", faceIou: 0.45 } as const;

/**
 * The face floors a job may judge from, lowest first: a job whose time cannot judge the base
 * floor's faces raises it (judgeFloor). A weak detector finds many faint faces: a 7-epoch
 * two-stage one at 640 px gave 35.9 finds a val photo at 0.05, 24.5 at 0.1, 16.1 at 0.2 and 12.1
 * at 0.3, still finding 93.1, 91.6, 90.7 and 90.0 % of the labelled faces (IoU ≥ 0.5); an
 * 18-epoch one-stage one gives 7.1 at 0.05. Higher floors drop found faces fast: that one-stage
 * model finds 81.0 % at 0.05, 75.1 % at 0.3 and 68.5 % at 0.4 (`.scratch/floor-study.mts`).
 */
export const JUDGE_FLOORS = [JUDGE_FINDS.minFaceScore, 0.1, 0.15, 0.2, 0.3] as const;

/** Training photos read at the base floor before a job with a deadline picks its floor (judgeFloor). */
export const JUDGE_FLOOR_PROBE = 8;

/** Training the judge's layer (60 epochs), per crop read: 53 s for 7,524 crops on a 2-core machine. */
const JUDGE_LAYER_SECONDS_PER_CROP = 0.008;

/**
 * What judging costs on this machine with this detector, as the judge's reading measures it: a
 * crop through the backbone, and the faces a photo gives the judge (the detector's finds at the
 * judge's face floor, up to evaluation's 100). A weak detector finds many faint faces, each judged
 * twice (a 3-epoch two-stage detector: 66 a photo, 80 ms a face), so this, not a fixed figure,
 * says how long judging the held-out photos will take.
 */
export interface JudgingPace {
  secondsPerCrop: number;
  facesPerImage: number;
}

/** What judging one held-out image costs at a measured pace: each face on every view the judge reads. */
export function judgeSecondsPerImage(pace: JudgingPace): number {
  return pace.facesPerImage * pace.secondsPerCrop * (JUDGE_RECIPE.mirrored ? 2 : 1);
}

export interface ReadingOptions {
  /** called after each image read, with how many are read */
  progress?: (done: number) => Promise<void>;
  /**
   * When reading must end (epoch ms), from the pace measured so far at the floor judged from:
   * the job's budget less what follows the reading. The layer's training
   * (JUDGE_LAYER_SECONDS_PER_CROP) is counted here.
   */
  readUntil?: (pace: JudgingPace) => number;
  /**
   * The face floor to judge from, asked once JUDGE_FLOOR_PROBE photos are read at the base floor
   * (a job with a deadline: judgeFloor); without it every photo is read at the base floor.
   */
  chooseFloor?: (probe: FloorProbe) => number;
}

/** What the first photos read say about judging from each floor. */
export interface FloorProbe {
  /** the judging pace had the photos read so far been judged from `floor` */
  paceAt: (floor: number) => JudgingPace;
  /** seconds the reading of a photo would take from `floor` on one core (its detector pass and crops) */
  readingSecondsAt: (floor: number) => number;
  /** crops the judge's layer would train on per photo read from `floor` */
  cropsPerPhotoAt: (floor: number) => number;
  /** photos still to read */
  photosLeft: number;
}

/**
 * The lowest floor of JUDGE_FLOORS from which the judge can read the photos left on `threads`,
 * train its layer and judge what follows (`secondsAfterReading`, at that floor's pace) within
 * `secondsLeft`; the highest when none can (the reading then stops in time, readUntil). Floors
 * are tried as measured on the probe, so a strong detector keeps the base floor.
 */
export function judgeFloor(probe: FloorProbe, plan: { threads: number; secondsLeft: number; photosRead: number; secondsAfterReading: (pace: JudgingPace) => number }): number {
  const fits = (floor: number) => {
    const reading = (probe.photosLeft * probe.readingSecondsAt(floor)) / plan.threads;
    const layer = JUDGE_LAYER_SECONDS_PER_CROP * (plan.photosRead + probe.photosLeft) * probe.cropsPerPhotoAt(floor);
    return reading + layer + plan.secondsAfterReading(probe.paceAt(floor)) <= plan.secondsLeft;
  };
  return JUDGE_FLOORS.find(fits) ?? JUDGE_FLOORS.at(-1)!;
}

/**
 * The floor the judge judges from once its reading is done: the lowest of JUDGE_FLOORS whose
 * faces (`paceAt`, over every photo read) can be judged in what follows (`secondsAfterReading`)
 * within `secondsLeft`, the layer's training already counted out; the highest when none can.
 * It may be lower than the floor its finds were learnt from (judgeFloor): a one-stage judge that
 * learnt from 0.3 scored val mAP50 0.521 judging from 0.3 and 0.568 from 0.05 (docs/benchmarks.md),
 * and judging 64 val and 64 test photos costs far less than reading 299.
 */
export function judgingFloor(paceAt: (floor: number) => JudgingPace, plan: { secondsLeft: number; secondsAfterReading: (pace: JudgingPace) => number }): number {
  return JUDGE_FLOORS.find((floor) => plan.secondsAfterReading(paceAt(floor)) <= plan.secondsLeft) ?? JUDGE_FLOORS.at(-1)!;
}

/** What reading one training photo gives the judge: pooled crop features (rows, in label order) and their class indexes. */
export interface PhotoReading {
  features: Float32Array;
  labels: number[];
  /** the detector's finds it learns from, and of those the false ones (not a face) */
  finds: number;
  falseFinds: number;
  /** the face scores of what the judge would judge in this photo from the base floor (the detector's finds from JUDGE_FINDS.minFaceScore, up to evaluation's 100), highest first, whatever floor it was read from */
  faceScores: number[];
  /** seconds its crops took through the backbone, on the core that read it */
  cropSeconds: number;
}

/** The trained detector (without a judge) whose finds the judge learns from, and the backbone its crops pass through. */
export interface JudgeNets {
  featureModel: tf.LayersModel;
  finder: Detector;
  numClasses: number;
}

/**
 * One training photo read for the judge: every labelled face plain, mirrored and jittered, and
 * the finds of the detector labelled by findLabel (`numClasses` for a false find), plain and
 * mirrored. The jitter draws from a generator of the photo's own (`photoSeed`), so a photo reads
 * the same on any thread, in any order. `minFaceScore`: the floor the judge judges from (its
 * finds). Shared by in-process reading and the judge threads.
 */
export async function readPhotoForJudge(nets: JudgeNets, bytes: Uint8Array, image: Pick<TrainingImage, "boxes">, photoSeed: number, minFaceScore: number = JUDGE_RECIPE.minFaceScore): Promise<PhotoReading> {
  const random = new SeededRandom(photoSeed);
  const rows: Float32Array[] = [];
  const labels: number[] = [];
  let cropSeconds = 0;
  const rgb = await decodeImageRgb(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  const pixels = pixelsTensor(rgb);
  const addCrops = async (boxes: PixelBox[], classes: number[], flip: boolean) => {
    const started = performance.now();
    // A mirrored crop of a face is the crop of the mirrored face: the box stays, the crop flips.
    const features = cropFeatures(nets.featureModel, pixels, boxes, JUDGE_RECIPE, flip);
    rows.push((await features.data()) as Float32Array);
    features.dispose();
    labels.push(...classes);
    cropSeconds += (performance.now() - started) / 1000;
  };
  try {
    const boxes = image.boxes.map((b) => b.box);
    const classes = image.boxes.map((b) => b.classIndex);
    if (boxes.length > 0) {
      await addCrops(boxes, classes, false);
      await addCrops(boxes, classes, true);
      for (let copy = 0; copy < JUDGE_JITTERED_COPIES; copy++) {
        await addCrops(boxes.map((box) => jitteredBox(box, JUDGE_JITTER, () => random.next())), classes, random.next() < 0.5);
      }
    }
    // One pass gives both the faces the judge would judge here from any floor (as evaluation asks, up to 100) and the finds it learns from (from minFaceScore).
    const [found] = await nets.finder.detect([rgb], { faces: true, scoreThreshold: JUDGE_FINDS.minFaceScore, maxDetections: EVALUATION_POSTPROCESS.maxDetections, multiLabel: false });
    const taught = found!
      .filter((d) => d.score >= minFaceScore)
      .slice(0, JUDGE_FINDS.maxPerImage)
      .map((d) => ({ box: d.box, label: findLabel(d.box, image.boxes, nets.numClasses, JUDGE_FINDS) }))
      .filter((d): d is { box: PixelBox; label: number } => d.label !== null);
    if (taught.length > 0) {
      for (const flip of [false, true]) await addCrops(taught.map((d) => d.box), taught.map((d) => d.label), flip);
    }
    return {
      features: concatenated(rows),
      labels,
      finds: taught.length,
      falseFinds: taught.filter((d) => d.label === nets.numClasses).length,
      faceScores: found!.map((d) => d.score),
      cropSeconds,
    };
  } finally {
    pixels.dispose();
  }
}

/** A training photo's own jitter seed: the job's seed and the photo's place in the split. */
export function photoSeed(seed: number, index: number): number {
  return (seed + Math.imul(index + 1, 0x9e3779b9)) >>> 0;
}

/** Reads a photo for the judge: in this thread, or on a judge thread (judge-threads.ts). */
export type PhotoReader = (bytes: Uint8Array, image: TrainingImage, photoSeed: number, minFaceScore: number) => Promise<PhotoReading>;

/** The one reader of in-process reading. */
export function inProcessReader(nets: JudgeNets): PhotoReader {
  return (bytes, image, seed, minFaceScore) => readPhotoForJudge(nets, bytes, image, seed, minFaceScore);
}

/**
 * Pooled backbone features of every labelled face of `images` (plain, mirrored, jittered) with
 * their class indexes, and of the detector's finds (readPhotoForJudge), read by `readers` at once
 * (one per judge thread, or one in process), in the images' order whatever finishes first, so a
 * seed reads the same on any number of threads. Counts `finds` and `falseFinds`, and measures
 * the judging pace (per crop on one core, as the held-out images will be judged).
 */
export async function faceCropFeatures(readers: readonly PhotoReader[], store: BlobStore, images: readonly TrainingImage[], seed: number, options: ReadingOptions = {}) {
  const readings: PhotoReading[] = [];
  /** each photo's reading in seconds, on the core that read it (and the hand-over) */
  const readingSeconds: number[] = [];
  let done = 0;
  let labelledFaces = 0;
  let crops = 0;
  let cropSeconds = 0;
  let floor: number = JUDGE_RECIPE.minFaceScore;
  const probe = floorProbe(readings, readingSeconds, () => (crops > 0 ? cropSeconds / crops : 0), images.length);
  // Out of time (the job's budget), the layer's training counted: the judge learns from the images read so far, once it has a face.
  const inTime = () => !options.readUntil || labelledFaces === 0 || Date.now() + 1000 * JUDGE_LAYER_SECONDS_PER_CROP * crops <= options.readUntil(probe.paceAt(floor));
  const imagesRead = await handOut(
    readers,
    images.length,
    async (read, index) => {
      const image = images[index]!;
      // Every photo is read: one without labelled faces still teaches not a face through the finds.
      const bytes = new Uint8Array(await store.get(image.contentHash));
      const started = performance.now();
      const reading = await read(bytes, image, photoSeed(seed, index), floor).catch((error: Error) => {
        throw new Error(`the judge's reading of ${image.fileName}: ${error.message}`);
      });
      readings[index] = reading;
      readingSeconds[index] = (performance.now() - started) / 1000;
      labelledFaces += image.boxes.length;
      crops += reading.labels.length;
      cropSeconds += reading.cropSeconds;
      done += 1;
      // Photos handed out before the floor is chosen are read from the base floor: they teach a few more faint finds.
      if (options.chooseFloor && done === Math.min(JUDGE_FLOOR_PROBE, images.length)) floor = options.chooseFloor(probe);
      await options.progress?.(done);
      await yieldToEventLoop();
    },
    inTime,
  );
  // Every photo handed out was read, so those read are the first `imagesRead`, in order.
  const inOrder = readings.slice(0, imagesRead);
  return {
    features: concatenated(inOrder.map((r) => r.features)),
    labels: inOrder.flatMap((r) => r.labels),
    finds: inOrder.reduce((n, r) => n + r.finds, 0),
    falseFinds: inOrder.reduce((n, r) => n + r.falseFinds, 0),
    imagesRead,
    /** the floor the judge's finds were learnt from: the base floor, or the one chooseFloor raised it to */
    minFaceScore: floor,
    pace: probe.paceAt(floor),
    /** the judging pace from any floor, over every photo read (their face scores are counted from the base floor) */
    paceAt: probe.paceAt,
  };
}

/**
 * What the photos read so far (`readings`, by index; some may still be in flight) say about
 * judging from a floor at or above the one they were read from: their faces above it, and the
 * finds under it they would not have taught (read plain and mirrored), in crops and seconds.
 */
function floorProbe(readings: readonly PhotoReading[], readingSeconds: readonly number[], secondsPerCrop: () => number, photos: number): FloorProbe {
  const read = () => readings.filter((r): r is PhotoReading => r !== undefined);
  const mean = (values: number[]) => (values.length > 0 ? values.reduce((a, b) => a + b, 0) / values.length : 0);
  const facesAt = (r: PhotoReading, floor: number) => r.faceScores.filter((score) => score >= floor).length;
  // The finds it taught are among its first JUDGE_FINDS.maxPerImage faces; those under a raised floor go in proportion.
  const untaughtCrops = (r: PhotoReading, floor: number) => {
    const taughtFrom = Math.min(r.faceScores.length, JUDGE_FINDS.maxPerImage);
    return taughtFrom === 0 ? 0 : 2 * r.finds * (1 - Math.min(facesAt(r, floor), JUDGE_FINDS.maxPerImage) / taughtFrom);
  };
  return {
    paceAt: (floor) => ({ secondsPerCrop: secondsPerCrop(), facesPerImage: mean(read().map((r) => facesAt(r, floor))) }),
    readingSecondsAt: (floor) => mean(readings.flatMap((r, i) => (r === undefined ? [] : [readingSeconds[i]! - secondsPerCrop() * untaughtCrops(r, floor)]))),
    cropsPerPhotoAt: (floor) => mean(read().map((r) => r.labels.length - untaughtCrops(r, floor))),
    get photosLeft() {
      return photos - read().length;
    },
  };
}

function concatenated(rows: readonly Float32Array[]): Float32Array {
  const all = new Float32Array(rows.reduce((n, r) => n + r.length, 0));
  let at = 0;
  for (const row of rows) {
    all.set(row, at);
    at += row.length;
  }
  return all;
}

export interface JudgeOutcome {
  /** metadata with the judge when it was kept, else as given */
  metadata: ModelMetadata;
  kept: boolean;
  /** the judge as trained, kept or not */
  judge: MaskJudge;
  /** crops it trained on; of them the detector's finds, and of those its false finds (not a face) */
  faces: number;
  finds: number;
  falseFinds: number;
  /** the face floor its finds were learnt from (judge.minFaceScore is the one it judges from) */
  findsFrom: number;
  /** training images it read (all of them unless the job's time ran short) */
  imagesRead: number;
  /** the judging pace its reading measured, from the floor it judges from */
  pace: JudgingPace;
  seconds: number;
  valWithout: SplitMetrics;
  valWith: SplitMetrics;
}

/**
 * Trains the mask judge on the training split's faces, through the trained detector's backbone,
 * then measures val mAP with the detector's own classes and with the judge's; the judge is kept
 * unless it lowers val mAP50 by more than JUDGE_VAL_TOLERANCE (the test split is never read).
 * `valWithout`: the detector's own val figures when the caller has them already (the size choice).
 * `readUntil`: when the job's budget is short, the training images stop being read in time for
 * the layer to be trained by then (a time that depends on the judging pace measured so far), and
 * the judge learns from those read so far; `chooseFloor` raises the floor its finds are learnt from
 * when reading them would not fit (judgeFloor), and `chooseJudgingFloor`, asked once its layer is
 * trained, the floor it judges from (judgingFloor; without it, the floor its finds were learnt from). `threads`: judge threads that read the training photos
 * (judge-threads.ts), each with the detector loaded from its files; 1 reads them in this thread.
 */
export async function fitMaskJudge(full: tf.LayersModel, metadata: ModelMetadata, detectorOf: (metadata: ModelMetadata) => Detector, store: BlobStore, fit: { train: readonly TrainingImage[]; val: readonly TrainingImage[]; classes: string[]; seed: number; valWithout?: SplitMetrics; threads?: number; chooseJudgingFloor?: (paceAt: (floor: number) => JudgingPace) => number } & ReadingOptions): Promise<JudgeOutcome> {
  const started = performance.now();
  const reading = { progress: fit.progress, readUntil: fit.readUntil, chooseFloor: fit.chooseFloor };
  const read = (readers: readonly PhotoReader[]) => faceCropFeatures(readers, store, fit.train, fit.seed, reading);
  // Judge threads read the photos on every core (no more than there are photos); a thread starts in a few seconds.
  const threads = Math.min(fit.threads ?? 1, fit.train.length);
  // In process, detectors share the trained model and are not disposed here (the job's last detector frees the model and its judge's backbone).
  const crops = threads > 1 ? await withJudgeThreads(await modelToFiles(full, metadata), threads, read) : await readInProcess(full, detectorOf(metadata), fit.classes.length, read);
  const layer = await trainJudgeLayer(crops.features, crops.labels, fit.classes.length + 1, { ...DEFAULT_JUDGE_TRAINING, seed: fit.seed });
  const judgeFrom = fit.chooseJudgingFloor?.(crops.paceAt) ?? crops.minFaceScore;
  const judged: ModelMetadata = { ...metadata, judge: { ...JUDGE_RECIPE, minFaceScore: judgeFrom, background: true, ...layer } };
  // The val passes on every core too (detection threads), the judge's crops the slower part.
  const valOf = async (withMetadata: ModelMetadata) => metricsOfDetections(await detectOnThreads(full, withMetadata, threads, store, fit.val), fit.classes);
  const valWithout = fit.valWithout ?? (await valOf(metadata));
  const valWith = await valOf(judged);
  const kept = valWith.mAP50 >= valWithout.mAP50 - JUDGE_VAL_TOLERANCE;
  const { imagesRead, finds, falseFinds } = crops;
  return { metadata: kept ? judged : metadata, kept, judge: judged.judge!, faces: crops.labels.length, finds, falseFinds, findsFrom: crops.minFaceScore, imagesRead, pace: crops.paceAt(judgeFrom), seconds: Math.round((performance.now() - started) / 1000), valWithout, valWith };
}

/** Reads with one in-process reader through `full`'s backbone; the finder shares the trained model, so only the feature model is freed here. */
async function readInProcess<T>(full: tf.LayersModel, finder: Detector, numClasses: number, read: (readers: readonly PhotoReader[]) => Promise<T>): Promise<T> {
  const featureModel = judgeFeatureModel(JUDGE_RECIPE.cropSize, full);
  try {
    return await read([inProcessReader({ featureModel, finder, numClasses })]);
  } finally {
    featureModel.dispose();
  }
}

