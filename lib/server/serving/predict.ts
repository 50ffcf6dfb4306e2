import sharp from "sharp";
import { modelInput } from "@/lib/detection/preprocess";
import { imageStatistics, type ImageStatistics } from "@/lib/domain/image-statistics";
import type { PixelBox } from "@/lib/domain/box";
import { db as defaultDb, type Db } from "../db";
import { checkImageHeader, decodeError } from "../image-probe";
import type { BlobStore } from "../storage";
import { decodeImageRgb, pixelsTensor, type RgbImage } from "../training/training-data";
import type { ModelServer } from "./model-server";

/** What the prediction API accepts: smaller than imports (one photo per request), checked before decoding. */
export const PREDICT_LIMITS = { maxBytes: 20 * 1024 * 1024, maxPixels: 40_000_000 } as const;

/** Side of the grayscale rendering the image statistics are computed on. */
const STATISTICS_SIZE = 256;

export interface ServedDetection {
  className: string;
  score: number;
  /** image pixels, 0-based, max exclusive */
  box: PixelBox;
}

export interface PredictionSummary {
  countsPerClass: Record<string, number>;
  maxScore: number | null;
  meanScore: number | null;
}

export interface PredictionResult {
  predictionId: string;
  model: { id: string; name: string; version: number };
  image: { width: number; height: number };
  detections: ServedDetection[];
  summary: PredictionSummary;
  imageStatistics: ImageStatistics;
  timing: { inferenceMs: number; totalMs: number };
}

/**
 * Runs a model on one image and logs the prediction (append-only). The image is checked from its
 * header first (size, pixel count), decoded once, run with the model's own post-processing (one
 * class per box, its score threshold and NMS), and logged with its statistics and a per-class
 * summary; the image itself is stored only when the caller asks (`keepImage`). Bad images throw
 * ImageProbeError, an unknown or missing model NoModelError.
 */
export async function predictImage(
  bytes: Buffer,
  options: { model?: string; source?: string; keepImage?: boolean },
  deps: { server: ModelServer; store: BlobStore; db?: Db },
): Promise<PredictionResult> {
  const started = performance.now();
  const database = deps.db ?? defaultDb();
  const { width, height } = await checkImageHeader(bytes, PREDICT_LIMITS);
  const version = await deps.server.resolve(options.model);
  // Decoded once, outside the inference queue (sharp works on its own threads); the tensor is made
  // in the model's turn, once its TF.js backend is ready.
  const rgb = await decodeImageRgb(bytes).catch((error: unknown) => Promise.reject(decodeError(error)));
  const statistics = await statisticsOf(rgb);
  let inferenceMs = 0;
  const found = await deps.server.run(version, async (detector) => {
    const pixels = pixelsTensor(rgb);
    const { batch, letterbox } = modelInput(pixels, detector.metadata.inputSize);
    pixels.dispose();
    try {
      const inferenceStarted = performance.now();
      const [detections] = await detector.detect(batch, [letterbox]);
      inferenceMs = performance.now() - inferenceStarted;
      return detections!;
    } finally {
      batch.dispose();
    }
  });
  const classes = version.classes as string[];
  const detections: ServedDetection[] = found.map((d) => ({ className: classes[d.classIndex]!, score: d.score, box: d.box }));
  const summary = summarize(detections, classes);
  const imageKey = options.keepImage ? await deps.store.put(bytes) : null;
  const totalMs = performance.now() - started;
  const logged = await database.prediction.create({
    data: {
      modelVersionId: version.id,
      source: options.source ?? null,
      imageWidth: width,
      imageHeight: height,
      imageStats: { ...statistics },
      detections: detections.map((d) => ({ className: d.className, score: d.score, box: [d.box.xmin, d.box.ymin, d.box.xmax, d.box.ymax] })),
      summary: { ...summary },
      latencyMs: totalMs,
      imageKey,
    },
    select: { id: true },
  });
  return { predictionId: logged.id, model: { id: version.id, name: version.name, version: version.version }, image: { width, height }, detections, summary, imageStatistics: statistics, timing: { inferenceMs, totalMs } };
}

/** Brightness, contrast and sharpness of the decoded image as an 8-bit grayscale at most 256 px on a side. */
async function statisticsOf(rgb: RgbImage): Promise<ImageStatistics> {
  const { data, info } = await sharp(rgb.data, { raw: { width: rgb.width, height: rgb.height, channels: 3 } })
    .resize(STATISTICS_SIZE, STATISTICS_SIZE, { fit: "inside", withoutEnlargement: true })
    .greyscale()
    .raw()
    .toBuffer({ resolveWithObject: true });
  return imageStatistics(new Uint8Array(data.buffer, data.byteOffset, info.width * info.height), info.width, info.height);
}

export function summarize(detections: readonly ServedDetection[], classes: readonly string[]): PredictionSummary {
  const countsPerClass = Object.fromEntries(classes.map((c) => [c, 0]));
  for (const d of detections) countsPerClass[d.className] = (countsPerClass[d.className] ?? 0) + 1;
  const scores = detections.map((d) => d.score);
  return {
    countsPerClass,
    maxScore: scores.length ? Math.max(...scores) : null,
    meanScore: scores.length ? scores.reduce((a, b) => a + b, 0) / scores.length : null,
  };
}
