import { modelClassesColumn } from "@/lib/contracts/stored/models";
import { baselineBootstrapColumn, baselineReferenceColumn } from "@/lib/contracts/stored/monitoring";
import { parseStored, toStoredJson } from "@/lib/contracts/stored/parse";
import { decodeCompactEmbedding, decodeEmbedding, encodeEmbedding } from "@/lib/domain/drift/embedding-bytes";
import { bootstrapThreshold, meanVector, type Vector } from "@/lib/domain/drift/embedding";
import { buildReferences, observedBoxes, type ObservedPrediction, type ReferenceSet } from "@/lib/domain/drift/features";
import { BOOTSTRAP_WINDOW_SIZES, type BootstrapPoint } from "@/lib/domain/drift/report";
import { db as defaultDb, type Db } from "../platform/db";
import { DomainError } from "../platform/errors";
import { productionModel } from "../models/model-registry";
import { epochMinute } from "../serving/prediction-log";
import { ModelLoadError, type ModelServer } from "../serving/model-server";
import { observeImage } from "../serving/observe";
import type { BlobStore } from "../platform/storage";
import { yieldToEventLoop } from "../training/evaluate-split";
import { decodeImageRgb } from "../images/decode";
import type { LogWindow } from "./window-counts";

/** No baseline can be built from what was asked (no such version, no images or predictions, a model that does not load). */
export class BaselineError extends DomainError {
  readonly status = 422;
}

/** The splits a promoted model's baseline is built from: what it was selected and tested on, never what it trained on. */
export const BASELINE_SPLITS = ["val", "test"] as const;
/** A window baseline reads at most this many predictions (the most recent of the window). */
export const WINDOW_BASELINE_LIMIT = 50_000;
const BOOTSTRAP_SAMPLES = 200;
const BOOTSTRAP_SEED = 7;

export interface BaselineView {
  id: string;
  modelVersionId: string;
  source: string;
  split: string | null;
  windowStart: Date | null;
  windowEnd: Date | null;
  predictionCount: number;
  references: ReferenceSet;
  embeddingMean: Float32Array | null;
  bootstrap: BootstrapPoint[];
  createdAt: Date;
}

/**
 * A baseline from the model's own predictions on its dataset's validation and test images, run
 * exactly as serving runs it (observeImage). Made when a model is promoted (the monitor does it
 * for a production model without one).
 */
export async function buildSplitBaseline(modelVersionId: string, deps: { server: ModelServer; store: BlobStore; db?: Db }, options: { actorId?: string | null } = {}): Promise<BaselineView> {
  const database = deps.db ?? defaultDb();
  const version = await database.modelVersion.findUnique({ where: { id: modelVersionId } });
  if (!version) throw new BaselineError(`no model version ${modelVersionId}`);
  const classes = parseStored(modelClassesColumn, version.classes, version.id);
  // Only the pixels matter (a baseline is the model's view, not the labels).
  const images = await database.image.findMany({ where: { datasetId: version.datasetId, split: { in: [...BASELINE_SPLITS] } }, orderBy: { fileName: "asc" }, select: { contentHash: true } });
  if (images.length === 0) throw new BaselineError(`the model's dataset has no ${BASELINE_SPLITS.join(" or ")} images to build a baseline from`);
  const observed: ObservedPrediction[] = [];
  const embeddings: Float32Array[] = [];
  for (const image of images) {
    const rgb = await decodeImageRgb(await deps.store.get(image.contentHash));
    const o = await observeImage(rgb, deps.server, version).catch((error: unknown) => {
      if (error instanceof ModelLoadError) throw new BaselineError(`cannot build a baseline: ${error.message}`);
      throw error;
    });
    observed.push({ ...o.statistics, imageWidth: rgb.width, imageHeight: rgb.height, boxes: observedBoxes(o.detections, rgb.width, rgb.height) });
    embeddings.push(o.embedding);
    await yieldToEventLoop();
  }
  return storeBaseline({ modelVersionId, source: "split", split: BASELINE_SPLITS.join("+"), classes, observed, embeddings, actorId: options.actorId ?? null }, database);
}

/** On-demand monitoring needs a model in production, and a report its baseline: 409 until there is one. */
export class NothingMonitoredError extends DomainError {
  readonly status = 409;
}

/** The production model, which on-demand baselines and reports are about. */
export async function monitoredModel(database: Db = defaultDb()) {
  const production = await productionModel(database);
  if (!production) throw new NothingMonitoredError("no model is in production");
  return production;
}

/** A window baseline of the production model ("this is what normal looks like now"); it replaces the active one. */
export async function buildProductionWindowBaseline(window: { from: Date; to: Date }, options: { actorId?: string | null } = {}, database: Db = defaultDb()) {
  const model = await monitoredModel(database);
  const baseline = await buildWindowBaseline({ modelVersionId: model.id, startMinute: epochMinute(window.from), endMinute: epochMinute(window.to) }, options, database);
  return { model, baseline };
}

/** A baseline from a chosen production window of the log ("this is what normal looks like now"). */
export async function buildWindowBaseline(window: LogWindow, options: { actorId?: string | null } = {}, database: Db = defaultDb()): Promise<BaselineView> {
  const version = await database.modelVersion.findUnique({ where: { id: window.modelVersionId } });
  if (!version) throw new BaselineError(`no model version ${window.modelVersionId}`);
  const rows = await database.prediction.findMany({
    where: { modelVersionId: window.modelVersionId, minute: { gte: window.startMinute, lt: window.endMinute } },
    orderBy: [{ minute: "desc" }, { id: "desc" }],
    take: WINDOW_BASELINE_LIMIT,
    select: { brightness: true, contrast: true, sharpness: true, imageWidth: true, imageHeight: true, embedding: true, boxes: { select: { className: true, score: true, relativeSize: true } } },
  });
  if (rows.length === 0) throw new BaselineError("the window has no logged predictions of this model");
  const observed = rows.map(({ embedding: _embedding, ...row }) => row);
  const embeddings = rows.flatMap((r) => (r.embedding ? [decodeCompactEmbedding(r.embedding)] : []));
  return storeBaseline(
    { modelVersionId: window.modelVersionId, source: "window", windowStart: new Date(window.startMinute * 60_000), windowEnd: new Date(window.endMinute * 60_000), classes: parseStored(modelClassesColumn, version.classes, version.id), observed, embeddings, actorId: options.actorId ?? null },
    database,
  );
}

/** The bootstrap table: for each window size, the 95th percentile of window-to-reference cosine distances by chance alone. */
export function bootstrapTable(embeddings: readonly Vector[]): BootstrapPoint[] {
  return BOOTSTRAP_WINDOW_SIZES.map((windowSize) => ({ windowSize, threshold: bootstrapThreshold(embeddings, { windowSize, samples: BOOTSTRAP_SAMPLES, seed: BOOTSTRAP_SEED }).threshold }));
}

async function storeBaseline(
  input: { modelVersionId: string; source: "split" | "window"; split?: string; windowStart?: Date; windowEnd?: Date; classes: string[]; observed: ObservedPrediction[]; embeddings: Float32Array[]; actorId: string | null },
  database: Db,
): Promise<BaselineView> {
  const references = buildReferences(input.observed, input.classes);
  const mean = input.embeddings.length ? meanVector(input.embeddings) : null;
  const bootstrap = input.embeddings.length ? bootstrapTable(input.embeddings) : [];
  const created = await database.$transaction(async (tx) => {
    // One active baseline per model version: the new one replaces, the old ones stay for history.
    await tx.baseline.updateMany({ where: { modelVersionId: input.modelVersionId, active: true }, data: { active: false } });
    return tx.baseline.create({
      data: {
        modelVersionId: input.modelVersionId,
        source: input.source,
        split: input.split ?? null,
        windowStart: input.windowStart ?? null,
        windowEnd: input.windowEnd ?? null,
        predictionCount: input.observed.length,
        reference: toStoredJson(baselineReferenceColumn, references),
        embeddingMean: mean ? Buffer.from(encodeEmbedding(mean)) : null,
        bootstrap: toStoredJson(baselineBootstrapColumn, bootstrap),
        createdById: input.actorId,
      },
    });
  });
  return baselineView(created);
}

export function baselineView(row: { id: string; modelVersionId: string; source: string; split: string | null; windowStart: Date | null; windowEnd: Date | null; predictionCount: number; reference: unknown; embeddingMean: Uint8Array | null; bootstrap: unknown; createdAt: Date }): BaselineView {
  return {
    id: row.id,
    modelVersionId: row.modelVersionId,
    source: row.source,
    split: row.split,
    windowStart: row.windowStart,
    windowEnd: row.windowEnd,
    predictionCount: row.predictionCount,
    references: parseStored(baselineReferenceColumn, row.reference, row.id),
    embeddingMean: row.embeddingMean ? decodeEmbedding(row.embeddingMean) : null,
    bootstrap: parseStored(baselineBootstrapColumn, row.bootstrap, row.id),
    createdAt: row.createdAt,
  };
}

export async function activeBaseline(modelVersionId: string, database: Db = defaultDb()): Promise<BaselineView | null> {
  const row = await database.baseline.findFirst({ where: { modelVersionId, active: true }, orderBy: { createdAt: "desc" } });
  return row ? baselineView(row) : null;
}
