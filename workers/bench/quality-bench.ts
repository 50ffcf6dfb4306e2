/**
 * npm run bench -- quality (opt-in, long): the recipe bench. k-fold cross-validation over a real
 * VOC dataset (facemask-dev: MASKLAB_REAL_DATASET, default ../shared/datasets/facemask-dev),
 * every image predicted by a model that never saw it. The backbone features are cached once and
 * shared by every fold and kind; each fold's detector then serves two recipes (its own classes,
 * and the mask judge's), so a recipe costs its training, not another feature pass.
 *
 * Figures per recipe: out-of-fold mAP50 / mAP50-95 and per-class AP50 over all images, the mean ±
 * spread of the folds' mAP50, and two diagnostics that say whether a recipe moved finding faces
 * or judging masks: faces-only AP50 (every class merged into one) and mAP50 with each found face
 * given its true class (boxes and scores kept).
 *
 * Settings (environment): QUALITY_SAVE (a folder for every held-out detection), QUALITY_FOLDS (default 5), QUALITY_KINDS (default two_stage,one_stage),
 * QUALITY_EPOCHS (default: the preset's), QUALITY_PRESET (default quick-cpu), QUALITY_SIZING (off:
 * detect at the training size instead of the size chosen on val), QUALITY_LIMIT (use the first N
 * images, for a smoke run).
 */
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import sharp from "sharp";
import * as tf from "@tensorflow/tfjs";
import { DETECTOR_FAMILIES } from "@/lib/detection/families";
import type { Detection } from "@/lib/detection/common/nms";
import { selectNodeBackend } from "@/lib/detection/tf/node-backend";
import { FACEMASK_CLASSES } from "@/lib/domain/classes";
import { DETECTOR_FAMILY_CATALOGUE, DETECTOR_FAMILY_IDS, type DetectorFamilyId } from "@/lib/domain/detector-families";
import { evaluateCoco } from "@/lib/domain/evaluation/coco-eval";
import { stratifiedFolds } from "@/lib/domain/split";
import { parseVocBytes } from "@/lib/domain/voc";
import { vocObjectsToBoxes } from "@/lib/domain/voc-boxes";
import { LocalBlobStore } from "@/lib/server/platform/storage";
import { fitDetector, judgeMasks, sizeDetector, type FitContext } from "@/lib/server/training/detector-runner";
import { JUDGE_RECIPE } from "@/lib/server/training/judge-training";
import { mostOverlapped } from "@/lib/detection/judge/finds";
import { detectImages, detectImagesEachWay, EVALUATION_POSTPROCESS, evaluationInputOf, FACES_POSTPROCESS, facesAP50OfDetections, type ImageDetections } from "@/lib/server/training/evaluate-split";
import type { CachedSample } from "@/lib/server/training/feature-cache";
import { cacheFeaturesInThreads, trainingThreads } from "@/lib/server/training/feature-threads";
import { resolveTrainingConfig } from "@/lib/server/training/training-config";
import type { TrainingImage } from "@/lib/server/training/training-data";
import { round, type BenchRow } from "./bench-row";

type Outputs = Array<{ image: TrainingImage; detections: Detection[] }>;
const CLASSES = [...FACEMASK_CLASSES];

export async function qualityBenchmarks(): Promise<BenchRow[]> {
  const root = path.resolve(process.env.MASKLAB_REAL_DATASET ?? "../shared/datasets/facemask-dev");
  const annotations = await readdir(path.join(root, "Annotations")).catch(() => null);
  if (!annotations) return [{ benchmark: "quality: recipe bench", value: "n/a", unit: "", notes: `no VOC dataset at ${root} (set MASKLAB_REAL_DATASET)` }];
  const folds = Number(process.env.QUALITY_FOLDS ?? 5);
  const kinds = (process.env.QUALITY_KINDS ?? DETECTOR_FAMILY_IDS.join(",")).split(",") as DetectorFamilyId[];
  await selectNodeBackend("wasm");
  const dir = await mkdtemp(path.join(os.tmpdir(), "masklab-quality-"));
  try {
    const store = new LocalBlobStore(dir);
    const images = await loadVocDataset(root, annotations.sort(), store);
    const limited = process.env.QUALITY_LIMIT ? images.slice(0, Number(process.env.QUALITY_LIMIT)) : images;
    const rows: BenchRow[] = [];
    const config0 = resolveTrainingConfig({ preset: process.env.QUALITY_PRESET ?? "quick-cpu" }, kinds[0]!);
    const cacheStarted = performance.now();
    const cache = await cacheAll(store, limited, config0.inputSize);
    const cacheSeconds = (performance.now() - cacheStarted) / 1000;
    rows.push({ benchmark: "quality: cache backbone features", value: round(cacheSeconds, 0), unit: "s", notes: `${limited.length} images × 2 (plain, mirrored) at ${config0.inputSize} px on ${trainingThreads()} threads, shared by every fold and kind` });
    const assignment = stratifiedFolds(limited.map((image) => ({ key: image.imageId, classes: image.boxes.map((b) => CLASSES[b.classIndex]!) })), folds, 1);
    for (const kind of kinds) rows.push(...(await benchKind(kind, limited, assignment, folds, store, cache)));
    return rows;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** A VOC folder read as import reads it (the same box conversion), each image stored in a blob store. */
async function loadVocDataset(root: string, files: string[], store: LocalBlobStore): Promise<TrainingImage[]> {
  const images: TrainingImage[] = [];
  for (const file of files.filter((f) => f.endsWith(".xml"))) {
    const parsed = parseVocBytes(await readFile(path.join(root, "Annotations", file)));
    if (!parsed.ok) throw new Error(`${file}: ${parsed.error.message}`);
    const fileName = parsed.annotation.filename ?? file.replace(/\.xml$/, ".jpg");
    const bytes = await readFile(path.join(root, "JPEGImages", fileName));
    const { width, height } = await sharp(bytes).metadata();
    const { boxes } = vocObjectsToBoxes(parsed.annotation.objects, { width: width!, height: height! }, CLASSES);
    images.push({
      imageId: fileName,
      fileName,
      contentHash: await store.put(bytes),
      width: width!,
      height: height!,
      annotationVersion: 1,
      boxes: boxes.map((b) => ({ box: { xmin: b.xmin, ymin: b.ymin, xmax: b.xmax, ymax: b.ymax }, classIndex: CLASSES.indexOf(b.className as (typeof CLASSES)[number]), difficult: b.difficult })),
    });
  }
  return images;
}

/** Every image's features, plain and mirrored, on the feature threads (TRAINING_THREADS, default every core). */
async function cacheAll(store: LocalBlobStore, images: readonly TrainingImage[], inputSize: number): Promise<Map<string, CachedSample[]>> {
  const samples = await cacheFeaturesInThreads(store, images.flatMap((image) => [{ image, flip: false }, { image, flip: true }]), inputSize, trainingThreads());
  return new Map(images.map((image, i) => [image.imageId, [samples[2 * i]!, samples[2 * i + 1]!]]));
}

/** A quiet job context: phases and epochs go to stdout, nothing is checkpointed. */
function benchContext(): FitContext {
  const log = async (_level: string, message: string) => void process.stdout.write(`  ${message}\n`);
  return {
    log,
    signal: new AbortController().signal,
    startPhase: async () => ({ advance: async () => {}, retotal: () => {}, end: async (o) => void (o?.message && process.stdout.write(`  ${o.message}\n`)) }),
    loadCheckpoint: async () => null,
    saveCheckpoint: async () => {},
  };
}

async function benchKind(kind: DetectorFamilyId, images: readonly TrainingImage[], assignment: Map<string, number>, k: number, store: LocalBlobStore, cache: Map<string, CachedSample[]>): Promise<BenchRow[]> {
  const name = DETECTOR_FAMILY_CATALOGUE[kind].name;
  const config = resolveTrainingConfig({ preset: process.env.QUALITY_PRESET ?? "quick-cpu", ...(process.env.QUALITY_EPOCHS && { epochs: Number(process.env.QUALITY_EPOCHS) }), ...(process.env.QUALITY_SIZING === "off" && { largerDetectionSizes: false }) }, kind);
  // Every fold trains a judge, whatever the preset says.
  const judgedConfig = { ...config, maskJudge: true };
  const recipes = { own: [] as Outputs, judged: [] as Outputs, faces: [] as Outputs };
  const perFold = { own: [] as number[], judged: [] as number[] };
  const seconds = { training: 0, sizing: 0, judge: 0, predicting: 0 };
  const sizes: string[] = [];
  const context = benchContext();
  for (let fold = 0; fold < k; fold++) {
    const heldOut = images.filter((image) => assignment.get(image.imageId) === fold);
    const rest = images.filter((image) => assignment.get(image.imageId) !== fold);
    // As the label audit does without a val split: every 7th remaining image picks the epoch.
    const val = rest.filter((_, i) => i % 7 === 0);
    const train = rest.filter((_, i) => i % 7 !== 0);
    process.stdout.write(`${name} fold ${fold + 1}/${k}: ${train.length} train, ${val.length} val, ${heldOut.length} held out\n`);
    let started = performance.now();
    const trained = await fitDetector(kind, context, store, { config, classes: CLASSES, train, val, resumable: false, progress: () => {}, featureCache: (image, variant) => cache.get(image.imageId)?.[variant] });
    seconds.training += (performance.now() - started) / 1000;
    started = performance.now();
    // Sized as a job with a judge sizes (on finding faces); the detector's own classes at the size they do best at.
    const fitted = await sizeDetector(kind, context, store, trained, { config: judgedConfig, classes: CLASSES, val });
    sizes.push(fitted.metadata.inputSize === fitted.withoutJudge.metadata.inputSize ? `${fitted.metadata.inputSize}` : `${fitted.metadata.inputSize} (own classes ${fitted.withoutJudge.metadata.inputSize})`);
    seconds.sizing += (performance.now() - started) / 1000;
    started = performance.now();
    const judge = await judgeMasks(kind, context, store, fitted, { config: judgedConfig, classes: CLASSES, train, val });
    seconds.judge += (performance.now() - started) / 1000;
    started = performance.now();
    const family = DETECTOR_FAMILIES[kind];
    const own = family.detector(fitted.withoutJudge.full, fitted.withoutJudge.metadata);
    const judged = family.detector(fitted.full, { ...fitted.metadata, judge: judge!.judge });
    // Its own classes and its faces from one forward pass when both are at the same size.
    const [ownOut, facesOut] =
      fitted.full === fitted.withoutJudge.full
        ? ((await detectImagesEachWay(own, store, heldOut, [EVALUATION_POSTPROCESS, FACES_POSTPROCESS])) as [ImageDetections, ImageDetections])
        : [await detectImages(own, store, heldOut), await detectImages(family.detector(fitted.full, fitted.metadata), store, heldOut, FACES_POSTPROCESS)];
    const judgedOut = await detectImages(judged, store, heldOut);
    own.dispose();
    if (fitted.full !== fitted.withoutJudge.full) judged.dispose();
    tf.dispose(trained.best.weights);
    seconds.predicting += (performance.now() - started) / 1000;
    recipes.own.push(...ownOut);
    recipes.judged.push(...judgedOut);
    recipes.faces.push(...facesOut);
    perFold.own.push(mAP(ownOut).AP50);
    perFold.judged.push(mAP(judgedOut).AP50);
    process.stdout.write(`  fold ${fold + 1}: held-out mAP50 ${perFold.own.at(-1)!.toFixed(3)} with the detector's classes, ${perFold.judged.at(-1)!.toFixed(3)} with the judge's\n`);
  }
  // QUALITY_SAVE=<folder>: every held-out detection, per recipe, for looking at recipes after the run.
  if (process.env.QUALITY_SAVE) {
    await mkdir(process.env.QUALITY_SAVE, { recursive: true });
    const file = path.join(process.env.QUALITY_SAVE, `quality-${kind}.json`);
    await writeFile(file, JSON.stringify(Object.fromEntries(Object.entries(recipes).map(([recipe, outputs]) => [recipe, outputs.map((o) => ({ imageId: o.image.imageId, detections: o.detections }))]))));
    process.stdout.write(`  held-out detections written to ${file}\n`);
  }
  const facesOnly = facesAP50OfDetections(recipes.faces);
  const trueClass = mAP(recipes.faces.map((o) => ({ image: o.image, detections: o.detections.map((d) => ({ ...d, classIndex: trueClassOf(d, o.image) })) }))).AP50;
  const setting = `${k}-fold CV over ${images.length} images, ${config.preset} (${config.epochs} epochs max, trained at ${config.inputSize} px, detecting at ${sizes.join(", ")} px by fold, chosen on finding faces)`;
  const rows: BenchRow[] = [];
  for (const [recipe, label] of [["own", "detector's own classes"], ["judged", `+ mask judge (crops at ${JUDGE_RECIPE.cropSize} px)`]] as const) {
    const result = mAP(recipes[recipe]);
    const folds = perFold[recipe];
    rows.push({ benchmark: `quality: ${name}, ${label}`, value: round(result.AP50, 3), unit: "mAP50", notes: `out of fold; mAP50-95 ${round(result.AP, 3)}; folds ${round(mean(folds), 3)} ± ${round(sd(folds), 3)}; AP50 ${result.perClass.map((c) => `${c.className} ${round(c.AP50, 3)}`).join(", ")}; ${setting}` });
  }
  rows.push({ benchmark: `quality: ${name}, faces only (finding)`, value: round(facesOnly, 3), unit: "AP50", notes: "every class merged into one: how well faces are found" });
  rows.push({ benchmark: `quality: ${name}, true class on found faces (judging ceiling)`, value: round(trueClass, 3), unit: "mAP50", notes: "the same faces and scores, each given the class of the label it overlaps most (IoU ≥ 0.5)" });
  rows.push({ benchmark: `quality: ${name}, time split`, value: round(seconds.training + seconds.sizing + seconds.judge + seconds.predicting, 0), unit: "s", notes: `training ${round(seconds.training, 0)} s, choosing the detection size ${round(seconds.sizing, 0)} s, mask judge ${round(seconds.judge, 0)} s, predicting held-out folds (3 passes) ${round(seconds.predicting, 0)} s` });
  return rows;
}

function mAP(outputs: Outputs) {
  const result = evaluateCoco(evaluationInputOf(CLASSES, outputs.map((o) => o.image), outputs));
  return { AP50: Math.max(0, result.summary.AP50), AP: Math.max(0, result.summary.AP), perClass: result.perClass };
}

/** The class of the label a detection overlaps most at IoU ≥ 0.5, else the class it was given. */
function trueClassOf(detection: Detection, image: TrainingImage): number {
  const best = mostOverlapped(detection.box, image.boxes);
  return best && best.overlap >= 0.5 ? best.label.classIndex : detection.classIndex;
}

const mean = (values: number[]) => values.reduce((s, v) => s + v, 0) / Math.max(1, values.length);
const sd = (values: number[]) => Math.sqrt(values.reduce((s, v) => s + (v - mean(values)) ** 2, 0) / Math.max(1, values.length - 1));
