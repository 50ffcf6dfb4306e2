import { createHash } from "node:crypto";
import * as tf from "@tensorflow/tfjs";
import { modelToFiles } from "@/lib/detection/artifact";
import { faceMobileNetV1, isBackboneLayer } from "@/lib/detection/backbones/face-mobilenet-v1";
import { detectorFor, type Detector } from "@/lib/detection/detector";
import { useJobBackend } from "@/lib/detection/tf/node-backend";
import { detectorMetadata, RECIPES, type DetectorKind, type RecipeOptions } from "@/lib/detection/recipes";
import { epochSamples, repeatFactors } from "@/lib/detection/class-aware-sampling";
import { SeededRandom } from "@/lib/domain/random";
import { gitCommit } from "../build-info";
import { db as defaultDb, type Db } from "../db";
import type { JobRunner } from "../job-runner";
import { benchmarkLatency, describeLatency } from "../latency-benchmark";
import { evaluateOnTestSplit } from "../model-evaluation";
import { registerModelVersion } from "../model-registry";
import { loadFaceSsdMobileNetWeights } from "../pretrained-weights";
import type { BlobStore } from "../storage";
import { decodeCheckpoint, encodeCheckpoint } from "./checkpoint";
import { detectImages, EVALUATION_POSTPROCESS, metricsOfDetections, yieldToEventLoop, type SplitMetrics } from "./evaluate-split";
import { cacheFeatures, featureBatch, prepareBatch, type CachedSample, type InputVariant } from "./feature-cache";
import { learningRateAt, resolveTrainingConfig, type ResolvedTrainingConfig } from "./training-config";
import { loadSplit, type TrainingImage } from "./training-data";


/** A fingerprint of the labels as they were read: image ids with their annotation versions. */
function labelSnapshot(images: readonly TrainingImage[]): string {
  const hash = createHash("sha256");
  for (const image of images) hash.update(`${image.imageId}:${image.annotationVersion};`);
  return hash.digest("hex").slice(0, 16);
}

/**
 * Trains a detector of the job's kind (MLD-1S one-stage or MLD-2S two-stage; see
 * lib/detection/recipes.ts) on a dataset's train split, selects the epoch with the best val mAP50
 * (the test split is never read), and registers the model version. With a frozen backbone the
 * backbone features are cached once and only the heads train (the CPU path); otherwise the whole
 * network trains on images. A checkpoint after every epoch lets a re-queued job resume exactly
 * where it stopped.
 */
export function detectorRunner(kind: DetectorKind, deps: { store: BlobStore; db?: Db }): JobRunner {
  const recipe = RECIPES[kind];
  return async (context) => {
    const database = deps.db ?? defaultDb();
    const config = resolveTrainingConfig(context.job.config, kind);
    // "auto" keeps the worker's own choice; an explicit backend this machine lacks fails the job with what to install.
    const { backend } = await useJobBackend(config.backend);
    await context.setBackend(backend);
    const dataset = await database.dataset.findUniqueOrThrow({ where: { id: context.job.datasetId } });
    const classes = dataset.classes as string[];
    const train = await loadSplit(dataset.id, "train", classes, database);
    const val = await loadSplit(dataset.id, "val", classes, database);
    if (train.length === 0 || val.length === 0) throw new Error(`dataset "${dataset.name}" needs labelled images in both the train and val splits (has ${train.length} train, ${val.length} val)`);
    await context.log("info", `dataset "${dataset.name}": ${train.length} train, ${val.length} val images; labels snapshot ${labelSnapshot([...train, ...val])}; ${config.preset}: ${config.width} width, ${config.inputSize} px, ${config.epochs} epochs, backbone ${config.backbone}${config.freezeBackbone ? " (frozen, features cached)" : " (trained)"}`);

    const weights = config.backbone === "face-mobilenet-v1" ? await loadFaceSsdMobileNetWeights() : undefined;
    const options: RecipeOptions = { inputSize: config.inputSize, numClasses: classes.length, width: config.width, seed: config.seed };
    // What the optimiser updates: the heads alone on cached features, or backbone + heads.
    const trainable = recipe.buildTrainable(options, config.freezeBackbone ? undefined : { weights });
    const metadata = detectorMetadata(recipe, { width: config.width, backbone: config.backbone, classes, inputSize: config.inputSize });
    let optimizer = tf.train.adam(config.learningRate);
    // Fine-tuning on images may keep the backbone frozen for its first epochs (heads settle first).
    const backboneTrains = (epoch: number) => !config.freezeBackbone && epoch > config.frozenEpochs;
    let optimizerTrainsBackbone: boolean | undefined;
    let random = new SeededRandom(config.seed);
    let best: { epoch: number; metrics: SplitMetrics; weights: tf.Tensor[] } | null = null;
    let startEpoch = 1;
    const saved = await context.loadCheckpoint();
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
    const detector = detectorFor(trainable, metadata);

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
      for (const variant of cachedVariants) {
        for (const image of train) {
          trainCache.push(await cacheFeatures(backbone, deps.store, image, config.inputSize, variant));
          context.setProgress((0.15 * (trainCache.length + valCache.length)) / total);
          context.signal.throwIfAborted();
        }
      }
      for (const image of val) valCache.push(await cacheFeatures(backbone, deps.store, image, config.inputSize, "plain"));
      await context.log("info", `cached backbone features of ${trainCache.length} training inputs (${cachedVariants.length} per image) and ${valCache.length} validation inputs in ${((performance.now() - started) / 1000).toFixed(0)} s`);
    }

    // An epoch shows every training image once, images with rare classes more often (repeat
    // factors): on cached features as one of its cached variants, on images augmented afresh.
    const factors = config.classAwareSampling ? repeatFactors(train.map((image) => new Set(image.boxes.map((b) => b.classIndex)))) : train.map(() => 1);
    const samplesPerEpoch = Math.round(factors.reduce((sum, f) => sum + f, 0));
    const stepsPerEpoch = Math.ceil(samplesPerEpoch / config.batchSize);
    const totalSteps = stepsPerEpoch * config.epochs;
    const deadline = config.minutes ? Date.now() + config.minutes * 60_000 : Infinity;
    const trainingStarted = performance.now();

    for (let epoch = startEpoch; epoch <= config.epochs; epoch++) {
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
        context.setProgress(0.15 + (0.85 * ((epoch - 1) * stepsPerEpoch + step + 1)) / totalSteps);
        await yieldToEventLoop();
      }
      const seconds = (performance.now() - epochStarted) / 1000;
      const metrics = await validate(detector, config, classes, valCache, val, deps.store);
      const epochsLeft = config.epochs - epoch;
      await context.log("metric", `epoch ${epoch}/${config.epochs}: loss ${(sums.total / stepsPerEpoch).toFixed(3)}, val mAP50 ${metrics.mAP50.toFixed(3)}, mAP50-95 ${metrics.mAP50to95.toFixed(3)}`, {
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
      });
      if (!best || metrics.mAP50 > best.metrics.mAP50) {
        tf.dispose(best?.weights ?? []);
        best = { epoch, metrics, weights: trainable.getWeights().map((w) => tf.keep(w.clone())) };
      }
      await context.saveCheckpoint(epoch, await encodeCheckpoint({ epoch, weights: trainable.getWeights(), optimizer: await optimizer.getWeights(), best, randomState: random.position }));
      if (Date.now() > deadline && epoch < config.epochs) {
        await context.log("info", `time budget of ${config.minutes} min reached after epoch ${epoch}`);
        break;
      }
    }
    if (!best) throw new Error("no epoch was trained");

    trainable.setWeights(best.weights);
    const full = config.freezeBackbone ? recipe.withBackbone(trainable, options, weights) : trainable;
    const files = await modelToFiles(full, metadata);
    const version = await registerModelVersion(
      {
        name: `${dataset.name}-${recipe.label}-${config.width}`,
        kind,
        datasetId: dataset.id,
        trainingJobId: context.job.id,
        files: { ...files },
        classes,
        inputSize: config.inputSize,
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
          trainingSeconds: Math.round((performance.now() - trainingStarted) / 1000),
          gitCommit: gitCommit(),
        },
      },
      deps.store,
      database,
    );
    tf.dispose(best.weights);
    await context.log("info", `registered model ${version.name} v${version.version} (epoch ${best.epoch}: val mAP50 ${best.metrics.mAP50.toFixed(3)})`, { modelVersionId: version.id });
    // The honest figure: the test split, which neither trained the model nor picked its epoch.
    // The model is registered either way; a failed evaluation is a warning, not a failed job.
    try {
      const evaluation = await evaluateOnTestSplit(version.id, { store: deps.store, db: database });
      const metrics = evaluation.metrics as { AP50: number; AP: number };
      await context.log("info", `test split (${evaluation.imageCount} images): mAP50 ${metrics.AP50.toFixed(3)}, mAP50-95 ${metrics.AP.toFixed(3)}`, { evaluationId: evaluation.id, testMAP50: metrics.AP50, testMAP50to95: metrics.AP });
    } catch (error) {
      await context.log("warn", `not evaluated on the test split: ${(error as Error).message}`);
    }
    // How fast it detects on the job's backend, on a small budget; like the evaluation, a warning if it fails.
    try {
      const latency = await benchmarkLatency(version.id, { store: deps.store, db: database, backend, warmupRuns: 2, runs: 10, batchSizes: [1, 4] });
      await context.log("info", describeLatency(latency), { latencyBenchmarkIds: latency.map((row) => row.id) });
    } catch (error) {
      await context.log("warn", `latency not benchmarked: ${(error as Error).message}`);
    }
  };
}

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
function trainingVariant(kind: DetectorKind, config: ResolvedTrainingConfig, train: TrainingImage[], random: SeededRandom): () => InputVariant {
  const augment = { ...config.augment, flip: config.flip };
  return () => {
    const mosaicWith = kind === "one_stage" && config.mosaic > 0 && random.next() < config.mosaic ? [0, 1, 2].map(() => train[random.int(0, train.length - 1)]!) : undefined;
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
    const detections = await detector.detect(inputs, samples.map((s) => s.letterbox), EVALUATION_POSTPROCESS);
    tf.dispose(inputs);
    samples.forEach((sample, j) => outputs.push({ image: sample.image, detections: detections[j]! }));
    await yieldToEventLoop();
  }
  return metricsOfDetections(outputs, classes);
}
