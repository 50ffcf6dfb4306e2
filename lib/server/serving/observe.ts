import sharp from "sharp";
import type { ModelVersion } from "@/generated/prisma/client";
import type { RgbImage } from "@/lib/detection/common/preprocess";
import type { PredictionSummary, ServedDetection } from "@/lib/contracts/http/serving";
import { modelClassesColumn } from "@/lib/contracts/stored/models";
import { parseStored } from "@/lib/contracts/stored/parse";
import { imageStatistics, type ImageStatistics } from "@/lib/domain/image-statistics";
import type { QueueTicket } from "./inference-queue";
import type { ModelServer } from "./model-server";

/** Side of the grayscale rendering the image statistics are computed on. */
const STATISTICS_SIZE = 256;

/** Everything the monitor watches about one image: what serving logs, and what a baseline is built from. */
export interface Observation {
  detections: ServedDetection[];
  summary: PredictionSummary;
  statistics: ImageStatistics;
  /** the model's pooled backbone features, projected (lib/detection/detector detectWithEmbedding) */
  embedding: Float32Array;
  inferenceMs: number;
}

/**
 * One decoded image through a model the way serving runs it (its own post-processing: one class
 * per box, the model's score threshold, NMS), in the server's inference queue (`ticket`: a place
 * the caller took before decoding). Serving logs the result; a baseline is built from the same
 * observations of a split, so both sides of a drift comparison are measured by one function.
 */
export async function observeImage(rgb: RgbImage, server: ModelServer, version: ModelVersion, ticket?: QueueTicket): Promise<Observation> {
  const classes = parseStored(modelClassesColumn, version.classes, version.id);
  const statistics = await statisticsOf(rgb).catch((error: unknown) => {
    ticket?.leave();
    throw error;
  });
  const { detections, embedding, inferenceMs } = await server.detect(version, rgb, ticket);
  return { detections, summary: summarize(detections, classes), statistics, embedding, inferenceMs };
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
