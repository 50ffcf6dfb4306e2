import { createHash } from "node:crypto";
import * as tf from "@tensorflow/tfjs";
import { parseStored } from "@/lib/contracts/stored/parse";
import { trainingJobConfigColumn, type EpochMetrics } from "@/lib/contracts/stored/training";
import { modelToFiles } from "@/lib/detection/artifact";
import { faceMobileNetV1, isBackboneLayer } from "@/lib/detection/backbones/face-mobilenet-v1";
import type { Detector } from "@/lib/detection/detector";
import type { RecipeOptions } from "@/lib/detection/detector-family";
import { DETECTOR_FAMILIES, detectorMetadata } from "@/lib/detection/families";
import { useJobBackend } from "@/lib/detection/tf/node-backend";
import { DETECTOR_FAMILY_CATALOGUE, type DetectorFamilyId } from "@/lib/domain/detector-families";
import type { ModelMetadata } from "@/lib/contracts/artifact";
import { epochSamples, repeatFactors } from "@/lib/detection/class-aware-sampling";
import { findLabelIssues } from "@/lib/domain/evaluation/label-issues";
import { SeededRandom } from "@/lib/domain/random";
import { stratifiedFolds } from "@/lib/domain/split";
import type { DetectionSizeCriterion } from "@/lib/domain/states";
import type { Detection as ModelDetection } from "@/lib/detection/common/nms";
import { gitCommit } from "../platform/build-info";
import type { PhaseTracker } from "./job-phases";
import type { JobContext, JobRunner } from "./job-runner";
import { loadFaceSsdMobileNetWeights } from "./pretrained-weights";
import type { BlobStore } from "../platform/storage";
import { decodeCheckpoint, encodeCheckpoint } from "./checkpoint";
import { detectOnThreads } from "./detect-threads";
import { detectImages, EVALUATION_POSTPROCESS, evaluationInputOf, metricsOfDetections, yieldToEventLoop, type SplitMetrics } from "./evaluate-split";
import { cacheFeatures, featureBatch, prepareBatch, type CachedSample, type InputVariant } from "./feature-cache";
import { learningRateAt, resolveTrainingConfig, type ResolvedTrainingConfig } from "./training-config";
import type { TrainingImage } from "./training-data";
import { fitMaskJudge, judgeFloor, judgingFloor, judgeSecondsPerImage, JUDGE_RECIPE, JUDGE_VAL_TOLERANCE, type JudgeOutcome, type JudgingPace } from "./judge-training";
import { cacheFeaturesInThreads, trainingThreads } from "./feature-threads";
import { chooseDetectionSize, detectionSizeCandidates, keptDetector, type SizedDetector } from "./detection-size";


/** The settings a job's log opens with. */
function describeConfig(config: ResolvedTrainingConfig): string {
  return `${config.preset}: ${config.width} width, ${config.inputSize} px, ${config.epochs} epochs, backbone ${config.backbone}${config.freezeBackbone ? " (frozen, features cached)" : " (trained)"}`;
}

/** A fingerprint of the labels as they were read: image ids with their annotation versions. */
function labelSnapshot(images: readonly TrainingImage[]): string {
  const hash = createHash("sha256");
  for (const image of images) hash.update(`${image.imageId}:${image.annotationVersion};`);
  return hash.digest("hex").slice(0, 16);
}

/**
 * Trains a detector of the job's kind (a detector family: lib/detection/families.ts) on a dataset's train split, selects the epoch with the best val mAP50
 * (the test split is never read), and registers the model version. With a frozen backbone the
 * backbone features are cached once and only the heads train (the CPU path); otherwise the whole
 * network trains on images. A checkpoint after every epoch lets a re-queued job resume exactly
 * where it stopped.
 */
export function detectorRunner(kind: DetectorFamilyId): JobRunner {
  return async (context) => {
    const { data } = context;
    const preparing = await context.startPhase("preparing");
    const config = resolveTrainingConfig(parseStored(trainingJobConfigColumn, context.job.config, context.job.id), kind);
    // The budget counts from the start of the run: feature caching and the judge are inside it.
    const deadline = config.minutes ? Date.now() + config.minutes * 60_000 : undefined;
    // "auto" keeps the worker's own choice; an explicit backend this machine lacks fails the job with what to install.
    const { backend } = await useJobBackend(config.backend);
    await context.setBackend(backend);
    const dataset = await data.dataset();
    const { classes } = dataset;
    if (config.crossValidationFolds > 0) return crossValidate(kind, context, { config, dataset, classes, preparing, deadline });
    const train = await data.split("train", classes);
    const val = await data.split("val", classes);
    if (train.length === 0 || val.length === 0) throw new Error(`dataset "${dataset.name}" needs labelled images in both the train and val splits (has ${train.length} train, ${val.length} val)`);
    await preparing.end({ message: `dataset "${dataset.name}": ${train.length} train, ${val.length} val images; labels snapshot ${labelSnapshot([...train, ...val])}; ${describeConfig(config)}` });

    const threads = trainingThreads();
    const { sizes, leftOut } = affordableDetectionSizes(kind, config, train, val, threads);
    if (leftOut.length > 0) await context.log("info", `detection sizes of ${leftOut.join(" and ")} px left out: what follows training at them would take more than ${AFTER_TRAINING_SHARE * 100} % of the ${config.minutes}-minute budget`);
    const trained = await fitDetector(kind, context, data.images, { config, classes, train, val, resumable: true, progress: (p) => context.setProgress(p), deadline, reserveSeconds: secondsAfterTraining(kind, config, train, val, { sizes, threads }), threads });
    const { best, trainingSeconds } = trained;
    const fitted = await sizeDetector(kind, context, data.images, trained, { config, classes, val, sizes });
    const judge = await judgeMasks(kind, context, data.images, fitted, { config, classes, train, val, deadline });
    const { full, metadata, val: valAtSize } = keptDetector(fitted, judge);
    const saving = await context.startPhase("saving");
    const files = await modelToFiles(full, metadata);
    const version = await data.registerModel({
      name: `${dataset.name}-${DETECTOR_FAMILY_CATALOGUE[kind].architecture}-${config.width}`,
      files,
      classes,
      inputSize: metadata.inputSize,
      parameterCount: full.countParams(),
      trainingMetrics: {
        selectedEpoch: best.epoch,
        selectedBy: "val mAP50",
        val: best.metrics,
        trainImages: train.length,
        valImages: val.length,
        labelSnapshot: labelSnapshot([...train, ...val]),
        config,
        backend,
        trainingSeconds,
        detectionSize: { size: metadata.inputSize, chosenBy: fitted.chosenBy, valBySize: fitted.valBySize.map(({ size, metrics, facesAP50 }) => ({ size, mAP50: metrics.mAP50, mAP50to95: metrics.mAP50to95, ...(facesAP50 !== undefined && { facesAP50 }) })) },
        ...(judge && { judge: { kept: judge.kept, faces: judge.faces, finds: judge.finds, falseFinds: judge.falseFinds, seconds: judge.seconds, valWithout: judge.valWithout, valWith: judge.valWith } }),
        gitCommit: gitCommit(),
      },
    });
    tf.dispose(best.weights);
    const valFigure = judge ? judge.kept ? `, with the mask judge ${judge.valWith.mAP50.toFixed(3)}` : `; the mask judge was left out (val mAP50 ${judge.valWith.mAP50.toFixed(3)})` : "";
    await saving.end({ message: `registered model ${version.name} v${version.version} (epoch ${best.epoch}, detecting at ${metadata.inputSize} px: val mAP50 ${valAtSize.mAP50.toFixed(3)}${valFigure})`, figures: { modelVersionId: version.id } });
    const detector = DETECTOR_FAMILIES[kind].detector(full, metadata);
    try {
      // The honest figure: the test split, which neither trained the model nor picked its epoch.
      // The model is registered either way; a failed evaluation is a warning, not a failed job.
      const evaluating = await context.startPhase("evaluating");
      try {
        const evaluation = await data.evaluateOnTestSplit(version, { detector, files });
        await evaluating.end({ message: `test split (${evaluation.imageCount} images): mAP50 ${evaluation.mAP50.toFixed(3)}, mAP50-95 ${evaluation.mAP50to95.toFixed(3)}`, figures: { evaluationId: evaluation.id, testMAP50: evaluation.mAP50, testMAP50to95: evaluation.mAP50to95 } });
      } catch (error) {
        await evaluating.end({ message: `not evaluated on the test split: ${(error as Error).message}`, level: "warn" });
      }
    } finally {
      detector.dispose();
    }
    // How fast it detects on the job's backend, on a small budget; like the evaluation, a warning if it fails.
    const benchmarking = await context.startPhase("benchmarking");
    const latencySeconds = LATENCY_BENCHMARK_PASSES * secondsPerImageAfterTraining(kind, config, metadata.inputSize, judge?.kept ? judgeSecondsPerImage(judge.pace) : 0);
    if (deadline !== undefined && Date.now() + 1000 * latencySeconds > deadline) {
      await benchmarking.end({ message: `latency not benchmarked: the job's ${config.minutes} minutes are spent; run a benchmark from the Models page`, level: "warn" });
      return;
    }
    try {
      const latency = await data.benchmarkLatency(version, backend);
      if (latency) await benchmarking.end({ message: latency.message, figures: { latencyBenchmarkIds: latency.ids } });
      else await benchmarking.end({ message: "latency not measured on a remote worker: run a benchmark from the Models page to measure it on a machine of your choice", level: "warn" });
    } catch (error) {
      await benchmarking.end({ message: `latency not benchmarked: ${(error as Error).message}`, level: "warn" });
    }
  };
}


/**
 * The mask judge after the detector (config.maskJudge): trained on the training split's faces,
 * kept unless it lowers val mAP50 by more than JUDGE_VAL_TOLERANCE. Null when the job does not ask for one.
 * With the job's `deadline` (epoch ms), the judge stops reading training images in time for what
 * follows it (secondsAfterJudgeReading), so a slow detector shortens the judge, not the budget;
 * a detector with too many faint finds to read in time has the floor its finds are learnt from
 * raised (judgeFloor), and the time the reading leaves picks the floor it judges from (judgingFloor).
 */
export async function judgeMasks(kind: DetectorFamilyId, context: Pick<JobContext, "log" | "startPhase" | "signal">, store: BlobStore, fitted: { full: tf.LayersModel; metadata: ModelMetadata; val?: SplitMetrics; withoutJudge?: { val: SplitMetrics; metadata: Pick<ModelMetadata, "inputSize"> } }, fit: { config: ResolvedTrainingConfig; classes: string[]; train: TrainingImage[]; val: TrainingImage[]; logPrefix?: string; deadline?: number }): Promise<JudgeOutcome | null> {
  if (!fit.config.maskJudge) return null;
  // A split of background photos trains a detector that finds nothing, and a judge has nothing to learn from.
  if (!fit.train.some((image) => image.boxes.length > 0)) {
    await context.log("warn", `${fit.logPrefix ?? ""}mask judge skipped: the train split has no labelled faces`);
    return null;
  }
  const judging = await context.startPhase("judging", { total: fit.train.length, prefix: fit.logPrefix });
  const { deadline } = fit;
  const threads = trainingThreads();
  const afterReading = (pace: JudgingPace) => secondsAfterJudgeReading(kind, fit.config, fitted.metadata.inputSize, fit.val.length, judgeSecondsPerImage(pace), threads);
  const outcome = await fitMaskJudge(fitted.full, fitted.metadata, (metadata) => DETECTOR_FAMILIES[kind].detector(fitted.full, metadata), store, {
    train: fit.train,
    val: fit.val,
    classes: fit.classes,
    seed: fit.config.seed,
    // The judge must beat the detector's own classes at the size they do best at, which may not be its own.
    valWithout: fitted.withoutJudge?.val ?? fitted.val,
    threads,
    progress: async (done) => {
      await judging.advance(done);
      context.signal.throwIfAborted();
    },
    readUntil: deadline === undefined ? undefined : (pace) => deadline - 1000 * afterReading(pace),
    chooseFloor:
      deadline === undefined ? undefined : (probe) => judgeFloor(probe, { threads, secondsLeft: (deadline - Date.now()) / 1000, photosRead: fit.train.length - probe.photosLeft, secondsAfterReading: afterReading }),
    // What its reading left of the time goes to judging fainter faces, down to the base floor.
    chooseJudgingFloor: deadline === undefined ? undefined : (paceAt) => judgingFloor(paceAt, { secondsLeft: (deadline - Date.now()) / 1000, secondsAfterReading: afterReading }),
  });
  const verdict = outcome.kept ? "kept" : `left out: it lowered val mAP50 by more than ${JUDGE_VAL_TOLERANCE}`;
  const [ownSize, judgedSize] = sizesOf(fitted);
  await judging.end({
    message: `${fit.logPrefix ?? ""}mask judge trained on ${outcome.faces} face crops (with ${outcome.finds} of the detector's finds, ${outcome.falseFinds} of them false${outcome.imagesRead < fit.train.length ? `; ${outcome.imagesRead} of ${fit.train.length} training images read in the time left` : ""}; ${outcome.pace.facesPerImage.toFixed(1)} faces a training photo to judge${floorsOf(outcome)}, ${(1000 * outcome.pace.secondsPerCrop).toFixed(0)} ms a crop) in ${outcome.seconds} s; val mAP50 ${outcome.valWithout.mAP50.toFixed(3)} with the detector's classes${ownSize}, ${outcome.valWith.mAP50.toFixed(3)} with the judge's${judgedSize} (${verdict})`,
  });
  return outcome;
}

/** The sizes the two val figures were measured at, as the job log names them: only when they differ. */
function sizesOf(fitted: { metadata: Pick<ModelMetadata, "inputSize">; withoutJudge?: { metadata: Pick<ModelMetadata, "inputSize"> } }): [string, string] {
  const own = fitted.withoutJudge?.metadata.inputSize ?? fitted.metadata.inputSize;
  return own === fitted.metadata.inputSize ? ["", ""] : [` at ${own} px`, ` at ${fitted.metadata.inputSize} px`];
}

/** The judge's face floors as a job log says them: only those raised from the base floor to fit the time left. */
function floorsOf(outcome: Pick<JudgeOutcome, "findsFrom" | "judge">): string {
  const base = JUDGE_RECIPE.minFaceScore;
  const judging = outcome.judge.minFaceScore > base ? ` from a face score of ${outcome.judge.minFaceScore}, raised from ${base} to fit the time left` : "";
  const finds = outcome.findsFrom > base ? `; finds learnt from ${outcome.findsFrom}, raised from ${base}` : "";
  return judging + finds;
}

/**
 * The input size the trained detector detects at (detection-size.ts): val mAP50 at its training
 * size and, unless the job says no (largerDetectionSizes), larger ones; the detector rebuilt at
 * the chosen one. What follows (the judge's finds, the registered model, its evaluation) detects
 * at that size.
 */
export async function sizeDetector(kind: DetectorFamilyId, context: Pick<JobContext, "log" | "startPhase" | "signal">, store: BlobStore, fitted: { full: tf.LayersModel; metadata: ModelMetadata }, fit: { config: ResolvedTrainingConfig; classes: string[]; val: TrainingImage[]; logPrefix?: string; sizes?: number[] }): Promise<SizedDetector> {
  const sizes = fit.sizes ?? detectionSizeCandidates(fitted.metadata.inputSize, fit.config.largerDetectionSizes);
  const criterion = sizeCriterionOf(fit.config, sizes);
  const sizing = await context.startPhase("sizing", { total: sizes.length, prefix: fit.logPrefix });
  const options = recipeOptionsOf(fit.config, fit.classes);
  const sized = await chooseDetectionSize(kind, fitted, store, {
    options,
    sizes,
    classes: fit.classes,
    val: fit.val,
    criterion,
    threads: trainingThreads(),
    progress: async (done) => {
      await sizing.advance(done);
      context.signal.throwIfAborted();
    },
  });
  const figures = sized.valBySize.map(({ size, metrics, facesAP50 }) => `${size} px ${metrics.mAP50.toFixed(3)}${facesAP50 === undefined ? "" : ` (faces ${facesAP50.toFixed(3)})`}`).join(", ");
  const choice = criterion === "facesAP50" ? `, chosen on finding faces for the mask judge${sized.withoutJudge.metadata.inputSize !== sized.metadata.inputSize ? `; ${sized.withoutJudge.metadata.inputSize} px if the judge is left out` : ""}` : "";
  await sizing.end({ message: `${fit.logPrefix ?? ""}detects at ${sized.metadata.inputSize} px (trained at ${fitted.metadata.inputSize}${choice}); val mAP50 ${figures}` });
  return sized;
}

/**
 * A job with a mask judge chooses its detection size on finding faces: the judge replaces the
 * detector's classes. One candidate needs no choice, and no faces pass.
 */
export function sizeCriterionOf(config: Pick<ResolvedTrainingConfig, "maskJudge">, sizes: readonly number[]): DetectionSizeCriterion {
  return config.maskJudge && sizes.length > 1 ? "facesAP50" : "mAP50";
}

/** What a family's builders take of a job's settings: the training input size, the classes, the width and the seed. */
function recipeOptionsOf(config: ResolvedTrainingConfig, classes: readonly string[]): RecipeOptions {
  return { inputSize: config.inputSize, numClasses: classes.length, width: config.width, seed: config.seed };
}

/** What fitting a detector needs of a job: its log, phases, cancel signal and checkpoints (the recipe bench gives its own). */
export type FitContext = Pick<JobContext, "log" | "startPhase" | "signal" | "loadCheckpoint" | "saveCheckpoint">;

export interface FitOptions {
  config: ResolvedTrainingConfig;
  classes: string[];
  train: TrainingImage[];
  /** picks the epoch (best mAP50); never the images a result is reported on */
  val: TrainingImage[];
  /** checkpoint after every epoch and resume from the job's checkpoint */
  resumable: boolean;
  progress: (fraction: number) => void;
  /** set for one model of several (a cross-validation fold): its epochs log as info lines with this prefix */
  logPrefix?: string;
  /**
   * backbone features computed before (the recipe bench shares them across folds and recipes):
   * an image's cached sample in a variant (0 plain, 1 mirrored), or undefined to compute it
   */
  featureCache?: (image: TrainingImage, variant: number) => CachedSample | undefined;
  /** when the job's time budget ends (ms since the epoch); epochs are planned to end before it, less reserveSeconds */
  deadline?: number;
  /** seconds kept after training for the mask judge, evaluation and latency */
  reserveSeconds?: number;
  /** threads that compute backbone features (feature-threads.ts); 1: in this thread */
  threads?: number;
}

/**
 * Trains one detector on `train`, validating on `val` after every epoch, and returns it with the
 * best epoch's weights (and the backbone put back in front of the heads when it was frozen).
 * With a frozen backbone the features are cached once and only the heads train (the CPU path);
 * otherwise the whole network trains on images.
 */
export async function fitDetector(kind: DetectorFamilyId, context: FitContext, store: BlobStore, fit: FitOptions) {
  const family = DETECTOR_FAMILIES[kind];
  const recipe = family.recipe;
  const { config, classes, train, val } = fit;
  const deps = { store };
  const weights = config.backbone === "face-mobilenet-v1" ? await loadFaceSsdMobileNetWeights() : undefined;
  const options = recipeOptionsOf(config, classes);
  // What the optimiser updates: the heads alone on cached features, or backbone + heads.
  const trainable = recipe.buildTrainable(options, config.freezeBackbone ? undefined : { weights });
  const metadata = detectorMetadata(kind, { width: config.width, backbone: config.backbone, classes, inputSize: config.inputSize });
  let optimizer = tf.train.adam(config.learningRate);
  // Fine-tuning on images may keep the backbone frozen for its first epochs (heads settle first).
  const backboneTrains = (epoch: number) => !config.freezeBackbone && epoch > config.frozenEpochs;
  let optimizerTrainsBackbone: boolean | undefined;
  let random = new SeededRandom(config.seed);
  let best: { epoch: number; metrics: SplitMetrics; weights: tf.Tensor[] } | null = null;
  let startEpoch = 1;
  const saved = fit.resumable ? await context.loadCheckpoint() : null;
  if (saved) {
    // Weights, Adam's moments, the best epoch so far and the sampler's position: the run goes on
    // exactly as if it had not stopped (on the same backend).
    const checkpoint = decodeCheckpoint(saved.bytes);
    trainable.setWeights(checkpoint.weights);
    optimizerTrainsBackbone = backboneTrains(checkpoint.epoch);
    if (optimizerTrainsBackbone === backboneTrains(checkpoint.epoch + 1)) await optimizer.setWeights(checkpoint.optimizer);
    best = checkpoint.best && { ...checkpoint.best, weights: checkpoint.best.weights.map((w) => tf.keep(w)) };
    random = new SeededRandom(checkpoint.randomState);
    tf.dispose(checkpoint.weights);
    startEpoch = checkpoint.epoch + 1;
    await context.log("info", `resuming after epoch ${checkpoint.epoch} (weights, optimiser state and best epoch ${best?.epoch ?? "none"} restored)`);
  }
  const trainStep = recipe.stepper(trainable, options, () => random.next());
  const detector = family.detector(trainable, metadata);

  // Frozen backbone: each training image through the backbone once per cached variant (as is,
  // mirrored, jittered copies), stored variant after variant; validation images as they are.
  const trainCache: CachedSample[] = [];
  const valCache: CachedSample[] = [];
  // The cache has its own generator, so it comes out the same whether or not the job resumed.
  const cacheRandom = new SeededRandom(config.seed + 1);
  const cachedVariants: InputVariant[] = [
    "plain",
    ...(config.flip ? (["flipped"] as const) : []),
    ...Array.from({ length: config.cachedAugmentations }, () => ({ augment: { ...config.augment, flip: config.flip }, random: () => cacheRandom.next() })),
  ];
  if (config.freezeBackbone) {
    const input = tf.input({ shape: [config.inputSize, config.inputSize, 3] });
    const backbone = tf.model({ inputs: input, outputs: faceMobileNetV1(input, weights) });
    const started = performance.now();
    const total = train.length * cachedVariants.length + val.length;
    const caching = await context.startPhase("caching", { total, prefix: fit.logPrefix });
    let done = 0;
    const cached = async () => {
      done++;
      fit.progress((0.15 * done) / total);
      await caching.advance(done);
      context.signal.throwIfAborted();
    };
    // Slots in the cache's order (variant after variant, then validation), filled from the shared
    // cache, then plain and mirrored inputs on the feature threads, then jittered copies in order
    // (their generator is sequential, so they stay on this thread).
    type Slot = { image: TrainingImage; variant: InputVariant; sample?: CachedSample };
    const trainSlots: Slot[] = cachedVariants.flatMap((variant, v) => train.map((image) => ({ image, variant, sample: fit.featureCache?.(image, v) })));
    const valSlots: Slot[] = val.map((image) => ({ image, variant: "plain", sample: fit.featureCache?.(image, 0) }));
    const slots = [...trainSlots, ...valSlots];
    done = slots.filter((s) => s.sample).length;
    const threads = fit.threads ?? 1;
    const forThreads = threads > 1 ? slots.filter((s) => !s.sample && (s.variant === "plain" || s.variant === "flipped")) : [];
    if (forThreads.length > 0) {
      const samples = await cacheFeaturesInThreads(deps.store, forThreads.map((s) => ({ image: s.image, flip: s.variant === "flipped" })), config.inputSize, threads, cached);
      forThreads.forEach((slot, i) => (slot.sample = samples[i]));
    }
    for (const slot of slots) {
      if (slot.sample) continue;
      slot.sample = await cacheFeatures(backbone, deps.store, slot.image, config.inputSize, slot.variant);
      await cached();
    }
    trainCache.push(...trainSlots.map((s) => s.sample!));
    valCache.push(...valSlots.map((s) => s.sample!));
    backbone.dispose();
    await caching.end({ message: `${fit.logPrefix ?? ""}cached backbone features of ${trainCache.length} training inputs (${cachedVariants.length} per image) and ${valCache.length} validation inputs in ${((performance.now() - started) / 1000).toFixed(0)} s${forThreads.length > 0 ? ` on ${threads} threads` : ""}` });
  }

  // An epoch shows every training image once, images with rare classes more often (repeat
  // factors): on cached features as one of its cached variants, on images augmented afresh.
  const factors = config.classAwareSampling ? repeatFactors(train.map((image) => new Set(image.boxes.map((b) => b.classIndex)))) : train.map(() => 1);
  const samplesPerEpoch = Math.round(factors.reduce((sum, f) => sum + f, 0));
  const stepsPerEpoch = Math.ceil(samplesPerEpoch / config.batchSize);
  // The epochs the time budget allows, re-planned after each epoch from its measured pace, so the
  // learning rate's cosine reaches its end when the budget does rather than being cut mid-decay.
  let plannedEpochs = config.epochs;
  let totalSteps = stepsPerEpoch * plannedEpochs;
  const deadline = fit.deadline ?? Infinity;
  const trainingStarted = performance.now();
  const training = await context.startPhase("training", { total: config.epochs, done: startEpoch - 1, prefix: fit.logPrefix });

  for (let epoch = startEpoch; epoch <= plannedEpochs; epoch++) {
    const epochStarted = performance.now();
    if (!config.freezeBackbone) {
      const trains = backboneTrains(epoch);
      for (const layer of trainable.layers) if (isBackboneLayer(layer)) layer.trainable = trains;
      if (optimizerTrainsBackbone !== undefined && optimizerTrainsBackbone !== trains) {
        // Adam keeps its moments by position in the variable list, which just grew: start a new one.
        optimizer.dispose();
        optimizer = tf.train.adam(config.learningRate);
        await context.log("info", `epoch ${epoch}: the backbone is unfrozen after ${config.frozenEpochs} epochs; fine-tuning the whole network`);
      }
      optimizerTrainsBackbone = trains;
    }
    const order = shuffle(
      epochSamples(factors, () => random.next()).map((i) => (config.freezeBackbone ? i + train.length * random.int(0, cachedVariants.length - 1) : i)),
      random,
    );
    // The drawn count varies a little by epoch; every epoch takes the same number of full batches.
    while (order.length < stepsPerEpoch * config.batchSize) order.push(order[random.int(0, order.length - 1)]!);
    order.length = stepsPerEpoch * config.batchSize;
    const sums = { total: 0, classification: 0, box: 0 };
    const partSums: Record<string, number> = {};
    for (let step = 0; step < stepsPerEpoch; step++) {
      context.signal.throwIfAborted();
      const picks = order.slice(step * config.batchSize, (step + 1) * config.batchSize);
      (optimizer as unknown as { learningRate: number }).learningRate = learningRateAt((epoch - 1) * stepsPerEpoch + step, totalSteps, config.learningRate);
      const batch = config.freezeBackbone ? cachedBatch(trainCache, picks, config) : await imageBatch(deps.store, train, picks, config, trainingVariant(kind, config, train, random));
      const result = await trainStep(optimizer, batch.inputs, batch.truths);
      tf.dispose(batch.inputs);
      sums.total += result.total;
      sums.classification += result.classification;
      sums.box += result.box;
      for (const [name, value] of Object.entries(result.parts)) partSums[name] = (partSums[name] ?? 0) + value;
      fit.progress(0.15 + (0.85 * ((epoch - 1) * stepsPerEpoch + step + 1)) / totalSteps);
      await training.advance(epoch - 1 + (step + 1) / stepsPerEpoch);
      await yieldToEventLoop();
    }
    const seconds = (performance.now() - epochStarted) / 1000;
    const metrics = await validate(detector, config, classes, valCache, val, deps.store);
    const epochsLeft = plannedEpochs - epoch;
    await context.log(fit.logPrefix ? "info" : "metric", `${fit.logPrefix ?? ""}epoch ${epoch}/${plannedEpochs}: loss ${(sums.total / stepsPerEpoch).toFixed(3)}, val mAP50 ${metrics.mAP50.toFixed(3)}, mAP50-95 ${metrics.mAP50to95.toFixed(3)}`, {
      epoch,
      loss: sums.total / stepsPerEpoch,
      classificationLoss: sums.classification / stepsPerEpoch,
      boxLoss: sums.box / stepsPerEpoch,
      lossParts: Object.fromEntries(Object.entries(partSums).map(([name, sum]) => [name, sum / stepsPerEpoch])),
      valMAP50: metrics.mAP50,
      valMAP50to95: metrics.mAP50to95,
      valPerClassAP50: metrics.perClassAP50,
      imagesPerSecond: samplesPerEpoch / seconds,
      etaSeconds: Math.round(epochsLeft * seconds),
    } satisfies EpochMetrics);
    if (!best || metrics.mAP50 > best.metrics.mAP50) {
      tf.dispose(best?.weights ?? []);
      best = { epoch, metrics, weights: trainable.getWeights().map((w) => tf.keep(w.clone())) };
    }
    if (fit.resumable) await context.saveCheckpoint(epoch, await encodeCheckpoint({ epoch, weights: trainable.getWeights(), optimizer: await optimizer.getWeights(), best, randomState: random.position }));
    const epochSeconds = (performance.now() - epochStarted) / 1000;
    const affordable = epoch + Math.floor(((deadline - Date.now()) / 1000 - (fit.reserveSeconds ?? 0)) / epochSeconds);
    if (affordable < plannedEpochs) {
      plannedEpochs = Math.max(epoch, affordable);
      totalSteps = stepsPerEpoch * plannedEpochs;
      training.retotal(plannedEpochs);
      await context.log("info", `${fit.logPrefix ?? ""}time budget of ${config.minutes} min: ${plannedEpochs} epochs fit (${epochSeconds.toFixed(0)} s each, ${Math.round(fit.reserveSeconds ?? 0)} s kept for what follows training)`);
    }
  }
  if (!best) throw new Error("no epoch was trained");
  await training.end();

  optimizer.dispose();
  trainable.setWeights(best.weights);
  const full = config.freezeBackbone ? recipe.withBackbone(trainable, options, weights) : trainable;
  return { full, metadata, best, trainingSeconds: Math.round((performance.now() - trainingStarted) / 1000) };
}

/**
 * A label audit by k-fold cross-validation: every labelled image (train, val and test splits) is
 * dealt to one of k stratified folds; for each fold a model trains on the other folds (their
 * val-split images pick its epoch) and predicts the held-out fold. Every image is then predicted
 * by a model that never saw it, so the label-issue finder can audit the whole dataset rather
 * than the test split alone. The fold models are not registered (none is a model to ship); the
 * out-of-fold predictions are stored as one evaluation (split "cv<k>"), whose metrics are
 * cross-validation figures. A re-queued job starts again from the first fold.
 */
async function crossValidate(
  kind: DetectorFamilyId,
  context: JobContext,
  job: { config: ResolvedTrainingConfig; dataset: { id: string; name: string }; classes: string[]; preparing: PhaseTracker; deadline?: number },
): Promise<void> {
  const { config, dataset, classes } = job;
  const k = config.crossValidationFolds;
  const all = await context.data.labelledImages(classes);
  if (all.length < 2 * k) throw new Error(`${k}-fold cross-validation needs at least ${2 * k} labelled images; dataset "${dataset.name}" has ${all.length}`);
  const folds = stratifiedFolds(all.map(({ image }) => ({ key: image.imageId, classes: image.boxes.map((b) => classes[b.classIndex]!) })), k, config.seed);
  await job.preparing.end({ message: `dataset "${dataset.name}": ${k}-fold cross-validation over ${all.length} labelled images (train, val and test splits); labels snapshot ${labelSnapshot(all.map((a) => a.image))}; ${describeConfig(config)}` });

  const predictions: Array<{ image: TrainingImage; detections: ModelDetection[] }> = [];
  for (let fold = 0; fold < k; fold++) {
    const heldOut = all.filter(({ image }) => folds.get(image.imageId) === fold).map((a) => a.image);
    const rest = all.filter(({ image }) => folds.get(image.imageId) !== fold);
    // The other folds' val-split images pick the epoch; if they hold none, every 7th image does.
    let val = rest.filter((a) => a.split === "val").map((a) => a.image);
    let train = rest.filter((a) => a.split !== "val").map((a) => a.image);
    if (val.length === 0) {
      val = rest.filter((_, i) => i % 7 === 0).map((a) => a.image);
      train = rest.filter((_, i) => i % 7 !== 0).map((a) => a.image);
    }
    const prefix = `fold ${fold + 1}/${k}: `;
    await context.log("info", `${prefix}training on ${train.length} images (${val.length} pick the epoch), predicting ${heldOut.length} held-out images`);
    // Each fold gets its share of what is left of the budget.
    const foldDeadline = job.deadline && Date.now() + (job.deadline - Date.now()) / (k - fold);
    const threads = trainingThreads();
    const trained = await fitDetector(kind, context, context.data.images, { config, classes, train, val, resumable: false, logPrefix: prefix, progress: (p) => context.setProgress((fold + 0.95 * p) / k), deadline: foldDeadline, reserveSeconds: secondsAfterTraining(kind, config, train, heldOut, { threads }), threads });
    const { best } = trained;
    const fitted = await sizeDetector(kind, context, context.data.images, trained, { config, classes, val, logPrefix: prefix });
    const judge = await judgeMasks(kind, context, context.data.images, fitted, { config, classes, train, val, logPrefix: prefix });
    const { full, metadata, val: valAtSize } = keptDetector(fitted, judge);
    const detector = DETECTOR_FAMILIES[kind].detector(full, metadata);
    const predicting = await context.startPhase("predicting", { total: heldOut.length, prefix });
    try {
      predictions.push(...(await detectOnThreads(full, metadata, threads, context.data.images, heldOut)));
    } finally {
      tf.dispose(best.weights);
      detector.dispose();
    }
    await predicting.advance(heldOut.length);
    await predicting.end({ message: `${prefix}epoch ${best.epoch} kept, detecting at ${metadata.inputSize} px (val mAP50 ${valAtSize.mAP50.toFixed(3)}); held-out images predicted` });
  }
  const evaluating = await context.startPhase("evaluating");
  // Images in the dataset's split order, as each split is read (file names), not fold order.
  const snapshot = evaluationInputOf(classes, all.map((a) => a.image), predictions);
  const evaluation = await context.data.storeCrossValidation(k, snapshot, EVALUATION_POSTPROCESS);
  const flagged = findLabelIssues(snapshot).length;
  await evaluating.end({
    message: `label audit stored: out-of-fold mAP50 ${evaluation.mAP50.toFixed(3)}, mAP50-95 ${evaluation.mAP50to95.toFixed(3)} over ${all.length} images; ${flagged} images with suspected label issues (predictions ≥ 0.5)`,
    figures: { evaluationId: evaluation.id, flaggedImages: flagged },
  });
  context.setProgress(1);
}

/**
 * A detector pass's seconds per input pixel on one thread of a 2-core machine, decoding included:
 * the one-stage 0.19 s a photo at 416 px and 0.91 s at 896 px; the two-stage, whose second stage
 * reads every proposal, 169 s for 64 val photos at 416, 640 and 832 px in a 30-minute job.
 */
const PASS_SECONDS_PER_PIXEL: Record<DetectorFamilyId, number> = { one_stage: 1.1e-6, two_stage: 2.1e-6 };
const passSeconds = (kind: DetectorFamilyId, size: number) => PASS_SECONDS_PER_PIXEL[kind] * size * size;
/**
 * The judge's views of the faces of one held-out image, as planned before training: a 17-epoch
 * one-stage model gave 8.3 faces a photo, 84 ms a face (two crops at 192 px). The judge's reading
 * measures the pace of the detector at hand (judgeSecondsPerImage): a weak one gives more faces.
 */
const JUDGE_SECONDS_PER_IMAGE = 0.7;

/**
 * A rough, measured-on-2-cores estimate of what follows training, so the epochs stop in time for
 * it. A detector pass costs PASS_SECONDS_PER_PIXEL; as the detection size is chosen after
 * training, the largest candidate plans.
 * The size choice passes val once per candidate, twice when it chooses on finding faces; the judge crops three views per training face
 * (about 40 ms each at 192 px), passes the training images for its finds and crops those (about
 * 0.4 s an image), then judges val; the evaluation judges the held-out images; all of these on
 * `threads` judge or detection threads at once (judge-threads.ts, detect-threads.ts). The latency
 * benchmark, on one, costs about LATENCY_BENCHMARK_PASSES of one image at the detection size.
 */
export function secondsAfterTraining(kind: DetectorFamilyId, config: ResolvedTrainingConfig, train: readonly TrainingImage[], heldOut: readonly TrainingImage[], plan: { sizes?: number[]; threads?: number } = {}): number {
  const sizes = plan.sizes ?? detectionSizeCandidates(config.inputSize, config.largerDetectionSizes);
  const largest = Math.max(...sizes);
  const threads = plan.threads ?? 1;
  const sizing = sizingSeconds(kind, heldOut.length, sizes, threads);
  const faces = train.reduce((n, image) => n + image.boxes.length, 0);
  const judgeReading = config.maskJudge ? (0.12 * faces + train.length * (passSeconds(kind, largest) + 0.4)) / threads : 0;
  return sizing + judgeReading + secondsAfterJudgeReading(kind, config, largest, heldOut.length, JUDGE_SECONDS_PER_IMAGE, threads);
}

/** The size choice: a val pass at each candidate size (one forward pass serves its own classes and its faces), on `threads`. */
export function sizingSeconds(kind: DetectorFamilyId, valImages: number, sizes: readonly number[], threads = 1): number {
  return (valImages * sizes.reduce((sum, size) => sum + passSeconds(kind, size), 0)) / threads;
}

/**
 * The most of a time budget that what follows training may plan for: a larger detection size that
 * would take more leaves training too few epochs (a 30-minute two-stage job planned 1,216 s for
 * sizes up to 832 px and trained 3 epochs).
 */
export const AFTER_TRAINING_SHARE = 0.5;

/**
 * The detection sizes a job with a time budget can afford: the candidates, the largest left out
 * while what follows training at them, the judge reading on `threads`, would take more than
 * AFTER_TRAINING_SHARE of the budget.
 */
export function affordableDetectionSizes(kind: DetectorFamilyId, config: ResolvedTrainingConfig, train: readonly TrainingImage[], heldOut: readonly TrainingImage[], threads = 1): { sizes: number[]; leftOut: number[] } {
  const sizes = detectionSizeCandidates(config.inputSize, config.largerDetectionSizes);
  const leftOut: number[] = [];
  while (config.minutes && sizes.length > 1 && secondsAfterTraining(kind, config, train, heldOut, { sizes, threads }) > AFTER_TRAINING_SHARE * config.minutes * 60) leftOut.unshift(sizes.pop()!);
  return { sizes, leftOut };
}

/**
 * What follows the judge's reading of the training images, at the detection size: the judge's
 * val pass and the evaluation of the held-out images, on `threads` detection threads, and the
 * latency benchmark, on one; judging an image costs `judgeSeconds` (the pace measured, or the plan).
 */
export function secondsAfterJudgeReading(kind: DetectorFamilyId, config: ResolvedTrainingConfig, detectionSize: number, heldOut: number, judgeSeconds = JUDGE_SECONDS_PER_IMAGE, threads = 1): number {
  return (((config.maskJudge ? heldOut : 0) + heldOut) / threads + LATENCY_BENCHMARK_PASSES) * secondsPerImageAfterTraining(kind, config, detectionSize, judgeSeconds);
}

/** One image detected, and judged with the judge, at the detection size. */
function secondsPerImageAfterTraining(kind: DetectorFamilyId, config: ResolvedTrainingConfig, detectionSize: number, judgeSeconds = JUDGE_SECONDS_PER_IMAGE): number {
  return passSeconds(kind, detectionSize) + (config.maskJudge ? judgeSeconds : 0);
}

/**
 * The latency benchmark's cost in single-image passes: a job's runs 60 images (2 warm-ups and 10
 * timed runs at batch 1, then at batch 4), the batched ones cheaper: measured 31 s for a one-stage
 * model at 416 px with its judge and 22 s for a two-stage one at 640 px without, 35 and 26 passes'
 * worth, where 60 were planned.
 */
const LATENCY_BENCHMARK_PASSES = 36;

/** Fisher–Yates with the job's seeded generator. */
function shuffle(order: number[], random: SeededRandom): number[] {
  for (let i = order.length - 1; i > 0; i--) {
    const j = random.int(0, i);
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  return order;
}

function cachedBatch(cache: CachedSample[], picks: number[], config: ResolvedTrainingConfig) {
  const samples = picks.map((i) => cache[i]!);
  return { inputs: featureBatch(samples, config.inputSize) as tf.Tensor[], truths: samples.map((s) => s.truths) };
}

/**
 * How a training sample is drawn when the whole network trains on images: scale/shift/flip/colour
 * jitter every time, and a mosaic with three random training images at the configured rate.
 */
function trainingVariant(kind: DetectorFamilyId, config: ResolvedTrainingConfig, train: TrainingImage[], random: SeededRandom): () => InputVariant {
  const augment = { ...config.augment, flip: config.flip };
  return () => {
    const mosaicWith = DETECTOR_FAMILY_CATALOGUE[kind].mosaic && config.mosaic > 0 && random.next() < config.mosaic ? [0, 1, 2].map(() => train[random.int(0, train.length - 1)]!) : undefined;
    // Each sample its own generator: a batch's images are prepared concurrently, in any order.
    const own = new SeededRandom(random.int(0, 0x7fffffff));
    return { augment, random: () => own.next(), mosaicWith };
  };
}

/** One training batch of images, each prepared in its own variant, with its truths. */
async function imageBatch(store: BlobStore, images: TrainingImage[], picks: number[], config: ResolvedTrainingConfig, variant: () => InputVariant) {
  const { batch, truths } = await prepareBatch(store, picks.map((i) => images[i]!), config.inputSize, picks.map(() => variant()));
  return { inputs: [batch], truths };
}

async function validate(detector: Detector, config: ResolvedTrainingConfig, classes: string[], cache: CachedSample[], val: TrainingImage[], store: BlobStore): Promise<SplitMetrics> {
  if (!config.freezeBackbone) return metricsOfDetections(await detectImages(detector, store, val), classes);
  const outputs: Parameters<typeof metricsOfDetections>[0] = [];
  for (let i = 0; i < val.length; i += 8) {
    const samples = cache.slice(i, i + 8);
    const inputs = featureBatch(samples, config.inputSize);
    const detections = await detector.detectPrepared(inputs, samples.map((s) => s.letterbox), EVALUATION_POSTPROCESS);
    tf.dispose(inputs);
    samples.forEach((sample, j) => outputs.push({ image: sample.image, detections: detections[j]! }));
    await yieldToEventLoop();
  }
  return metricsOfDetections(outputs, classes);
}
