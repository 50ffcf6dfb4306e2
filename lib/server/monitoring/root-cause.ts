import type { z } from "zod";
import { cosineDistance } from "@/lib/domain/drift/embedding";
import { decodeCompactEmbedding } from "@/lib/domain/drift/embedding-bytes";
import { explainBySlices, sliceMetric, type SliceExplanation } from "@/lib/domain/drift/slices";
import { driftReportFeaturesColumn } from "@/lib/contracts/stored/monitoring";
import { parseStored } from "@/lib/contracts/stored/parse";
import { predictionDetectionsColumn, type loggedDetectionSchema } from "@/lib/contracts/stored/serving";
import { HEADLINE_DRIFT_METRIC } from "@/lib/domain/drift/metrics/catalogue";
import type { FeatureDrift } from "@/lib/domain/drift/report";
import { db as defaultDb, type Db } from "../platform/db";
import { AlertNotFoundError } from "./alerts";
import { baselineView } from "./baselines";
import { epochMinute } from "../serving/prediction-log";

/** Slices are explained over at most this many of the window's most recent predictions. */
export const ROOT_CAUSE_SAMPLE = 20_000;
/** Images per list; the page shows them a page at a time, so the whole ranked list travels in one answer. */
export const IMAGES_SHOWN = 24;

export type LoggedDetection = z.infer<typeof loggedDetectionSchema>;

export interface RootCauseImage {
  predictionId: string;
  createdAt: Date;
  source: string | null;
  maxScore: number | null;
  boxCount: number;
  distance: number | null;
  imageKept: boolean;
  width: number;
  height: number;
  /** what the model answered for the image, so its thumbnail can draw the boxes */
  detections: LoggedDetection[];
}

export interface RootCause {
  window: { start: Date; end: Date; predictionCount: number; sampled: number };
  /** the last report's features, most moved (by the headline metric, PSI) first */
  features: FeatureDrift[];
  embedding: { distance: number | null; threshold: number | null };
  references: ReturnType<typeof baselineView>["references"];
  farthest: RootCauseImage[];
  lowestConfidence: RootCauseImage[];
  /** the alert's metric over the sampled window, the figure the slices are measured against */
  sampledMetric: number | null;
  slices: SliceExplanation[];
}

/**
 * What moved and where to look, for one alert: the features of its latest report ranked by PSI (the headline metric),
 * the window's images farthest from the baseline's mean embedding and those with the lowest
 * confidence, and the slices (source tag, image size, brightness band) that explain most of the
 * alert's metric.
 */
export async function rootCause(alertId: string, database: Db = defaultDb()): Promise<RootCause> {
  const alert = await database.alert.findUnique({ where: { id: alertId }, include: { baseline: true } });
  if (!alert) throw new AlertNotFoundError(`no alert ${alertId}`);
  const baseline = baselineView(alert.baseline);
  const report = await database.driftReport.findUnique({ where: { id: alert.lastReportId } });
  const where = { modelVersionId: baseline.modelVersionId, minute: { gte: epochMinute(alert.windowStart), lt: epochMinute(alert.windowEnd) } };
  const predictionCount = await database.prediction.count({ where });
  const rows = await database.prediction.findMany({
    where,
    orderBy: [{ minute: "desc" }, { id: "desc" }],
    take: ROOT_CAUSE_SAMPLE,
    select: { id: true, createdAt: true, source: true, brightness: true, contrast: true, sharpness: true, imageWidth: true, imageHeight: true, boxCount: true, maxScore: true, imageKey: true, embedding: true, boxes: { select: { className: true, score: true, relativeSize: true } } },
  });
  const items = rows.map((r) => ({ row: r, embedding: r.embedding ? decodeCompactEmbedding(r.embedding) : null }));
  const mean = baseline.embeddingMean;
  const distances = items.map(({ row, embedding }) => ({ row, distance: mean && embedding && embedding.length === mean.length ? cosineDistance(mean, embedding) : null }));
  const farthestRows = distances.filter((d) => d.distance !== null).sort((a, b) => b.distance! - a.distance!).slice(0, IMAGES_SHOWN);
  const lowestRows = [...distances].sort((a, b) => (a.row.maxScore ?? -1) - (b.row.maxScore ?? -1)).slice(0, IMAGES_SHOWN);
  // Detections are read for the shown images only, not for the whole sample.
  const detections = await detectionsOf([...new Set([...farthestRows, ...lowestRows].map((d) => d.row.id))], database);
  const image = ({ row: r, distance }: (typeof distances)[number]): RootCauseImage => ({
    predictionId: r.id,
    createdAt: r.createdAt,
    source: r.source,
    maxScore: r.maxScore,
    boxCount: r.boxCount,
    distance,
    imageKept: r.imageKey !== null,
    width: r.imageWidth,
    height: r.imageHeight,
    detections: detections.get(r.id) ?? [],
  });
  const farthest = farthestRows.map(image);
  const lowestConfidence = lowestRows.map(image);
  const sliceItems = items.map(({ row, embedding }) => ({ source: row.source, embedding, observed: { ...row } }));
  const slices = explainBySlices(alert.feature, baseline.references, mean, sliceItems);
  const moved = (f: FeatureDrift) => f.metrics[HEADLINE_DRIFT_METRIC] ?? -1;
  const features = (report ? parseStored(driftReportFeaturesColumn, report.features, report.id) : []).sort((a, b) => moved(b) - moved(a));
  return {
    window: { start: alert.windowStart, end: alert.windowEnd, predictionCount, sampled: rows.length },
    features,
    embedding: { distance: report?.embeddingDistance ?? null, threshold: report?.embeddingThreshold ?? null },
    references: baseline.references,
    farthest,
    lowestConfidence,
    sampledMetric: sliceMetric(alert.feature, baseline.references, mean, sliceItems),
    slices: slices.slice(0, 12),
  };
}

async function detectionsOf(predictionIds: string[], database: Db): Promise<Map<string, LoggedDetection[]>> {
  const rows = await database.prediction.findMany({ where: { id: { in: predictionIds } }, select: { id: true, detections: true } });
  return new Map(rows.map((r) => [r.id, parseStored(predictionDetectionsColumn, r.detections, r.id)]));
}
