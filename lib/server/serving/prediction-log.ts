import sharp from "sharp";
import { toStoredJson } from "@/lib/contracts/stored/parse";
import { predictionDetectionsColumn, predictionSummaryColumn } from "@/lib/contracts/stored/serving";
import { encodeCompactEmbedding } from "@/lib/domain/drift/embedding-bytes";
import { observedBoxes } from "@/lib/domain/drift/features";
import { db as defaultDb, type Db } from "../platform/db";
import { BlobNotFoundError, type BlobStore } from "../platform/storage";
import type { Observation } from "./observe";

export interface LoggedPrediction {
  modelVersionId: string;
  at: Date;
  source: string | null;
  imageWidth: number;
  imageHeight: number;
  observation: Observation;
  latencyMs: number;
  imageKey: string | null;
}

/** Whole minutes since the epoch: the integer the log's windows are ranges of. */
export function epochMinute(at: Date): number {
  return Math.floor(at.getTime() / 60_000);
}

/**
 * Appends one prediction to the log: the row as the API answered it, its image statistics and
 * top score as columns, and one PredictionBox per detection, in one insert. The columns exist so
 * drift is aggregated in SQL (lib/server/monitoring/window-counts) without reading JSON.
 */
export async function logPrediction(entry: LoggedPrediction, database: Db = defaultDb()) {
  const { observation: o } = entry;
  const minute = epochMinute(entry.at);
  return database.prediction.create({
    data: {
      modelVersionId: entry.modelVersionId,
      createdAt: entry.at,
      minute,
      source: entry.source,
      imageWidth: entry.imageWidth,
      imageHeight: entry.imageHeight,
      brightness: o.statistics.brightness,
      contrast: o.statistics.contrast,
      sharpness: o.statistics.sharpness,
      boxCount: o.detections.length,
      maxScore: o.summary.maxScore,
      detections: toStoredJson(
        predictionDetectionsColumn,
        o.detections.map((d) => ({ className: d.className, score: d.score, box: [d.box.xmin, d.box.ymin, d.box.xmax, d.box.ymax] })),
      ),
      summary: toStoredJson(predictionSummaryColumn, o.summary),
      latencyMs: entry.latencyMs,
      embedding: Buffer.from(encodeCompactEmbedding(o.embedding)),
      imageKey: entry.imageKey,
      boxes: {
        create: observedBoxes(o.detections, entry.imageWidth, entry.imageHeight).map((b) => ({ modelVersionId: entry.modelVersionId, minute, ...b })),
      },
    },
    select: { id: true },
  });
}

/**
 * The image a caller let us keep with its prediction, or why there is none: the prediction does
 * not exist or kept no image, or retention has deleted it since.
 */
export async function keptPredictionImage(
  predictionId: string,
  deps: { store: BlobStore; db?: Db },
): Promise<{ bytes: Buffer; etag: string; contentType: string } | { missing: "the image was not kept" | "deleted by retention" }> {
  const prediction = await (deps.db ?? defaultDb()).prediction.findUnique({ where: { id: predictionId }, select: { imageKey: true } });
  if (!prediction?.imageKey) return { missing: "the image was not kept" };
  let bytes: Buffer;
  try {
    bytes = await deps.store.get(prediction.imageKey);
  } catch (error) {
    if (error instanceof BlobNotFoundError) return { missing: "deleted by retention" };
    throw error;
  }
  const { format } = await sharp(bytes).metadata();
  return { bytes, etag: prediction.imageKey, contentType: `image/${format ?? "jpeg"}` };
}
