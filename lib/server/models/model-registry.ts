import { ARTIFACT_FILES, ONNX_ARTIFACT_FILES, type ArtifactFileName, type ArtifactFiles, type OnnxArtifactFileName } from "@/lib/contracts/artifact";
import { BROWSER_MODEL_FORMATS, type BrowserModelFormat } from "@/lib/contracts/worker-messages";
import { artifactIndexBlob, modelClassesColumn, modelTrainingMetricsColumn, type ArtifactIndex, type TrainingMetrics } from "@/lib/contracts/stored/models";
import { parseStoredText, toStoredJson } from "@/lib/contracts/stored/parse";
import type { DetectorFamilyId } from "@/lib/domain/detector-families";
import { isOneOf, MODEL_FORMATS, type ModelFormat } from "@/lib/domain/states";
import type { BlobStore } from "../platform/storage";
import { db as defaultDb, type Db } from "../platform/db";
import { DomainError } from "../platform/errors";
import { NotFoundError } from "../platform/not-found";

export class ModelNotFoundError extends NotFoundError {}
export class NothingToRollBackError extends DomainError {
  readonly status = 409;
}

/** The version is known only by its uploaded results (stage external, format results): there is no model to serve or run. */
export class ResultsOnlyModelError extends DomainError {
  readonly status = 409;
}

/** A version that can be loaded and run: anything but one known only by a results file. */
export function isRunnableModel(version: { stage: string; format: string }): boolean {
  return version.format !== "results" && version.stage !== "external";
}

/** Refuses, in words, to run or serve a version that is only a results file; every loader of model files calls it first. */
export function requireRunnableModel(version: { name: string; version: number; stage: string; format: string }, action: string): void {
  if (!isRunnableModel(version)) {
    throw new ResultsOnlyModelError(`${version.name} v${version.version} is known only by the predictions uploaded for it (a COCO results file): there is no model to ${action}`);
  }
}

/**
 * Puts a model version into production. Serving runs one model, so whichever version served
 * before it (of any name) goes back to candidate; the promotion is recorded with who and when,
 * and which version it replaced, so it can be rolled back. One transaction: there is never a
 * moment with two production versions.
 */
export async function promoteModelVersion(id: string, options: { actorId?: string | null; action?: "promote" | "rollback"; db?: Db } = {}) {
  const database = options.db ?? defaultDb();
  return database.$transaction(async (tx) => {
    const model = await tx.modelVersion.findUnique({ where: { id } });
    if (!model) throw new ModelNotFoundError("unknown model version");
    requireRunnableModel(model, "promote");
    const previous = await tx.modelVersion.findFirst({ where: { stage: "production", id: { not: id } }, orderBy: { promotedAt: "desc" }, select: { id: true, name: true, version: true } });
    await tx.modelVersion.updateMany({ where: { stage: "production", id: { not: id } }, data: { stage: "candidate" } });
    const promoted = await tx.modelVersion.update({ where: { id }, data: { stage: "production", promotedAt: new Date() } });
    await tx.modelPromotion.create({ data: { modelVersionId: id, previousVersionId: previous?.id ?? null, action: options.action ?? "promote", actorId: options.actorId ?? null } });
    return { promoted, previous };
  });
}

/**
 * Rolls production back to the version the current one replaced (read from the newest promotion
 * of the current production version). Rolling back twice returns to where it started.
 */
export async function rollBackProduction(options: { actorId?: string | null; db?: Db } = {}) {
  const database = options.db ?? defaultDb();
  const current = await productionModel(database);
  if (!current) throw new NothingToRollBackError("no model is in production");
  const target = await rollBackTarget(database);
  if (!target) throw new NothingToRollBackError(`${current.name} v${current.version} replaced no earlier version: nothing to roll back to`);
  return promoteModelVersion(target.id, { actorId: options.actorId, action: "rollback", db: database });
}

/** The version a roll back would return to (the one production replaced at its newest promotion), or null. */
export async function rollBackTarget(database: Db = defaultDb()) {
  const current = await productionModel(database);
  if (!current) return null;
  const last = await database.modelPromotion.findFirst({
    where: { modelVersionId: current.id },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    select: { previousVersion: { select: { id: true, name: true, version: true } } },
  });
  return last?.previousVersion ?? null;
}

/** The promotion history, newest first, with who did it. */
export async function listPromotions(options: { take?: number } = {}, database: Db = defaultDb()) {
  const rows = await database.modelPromotion.findMany({
    // cuids grow within a millisecond, so they order promotions made in the same one
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: options.take ?? 20,
    select: {
      id: true,
      action: true,
      createdAt: true,
      actor: { select: { name: true } },
      modelVersion: { select: { id: true, name: true, version: true } },
      previousVersion: { select: { id: true, name: true, version: true } },
    },
  });
  return rows;
}

/** A model version named by id, NAME@VERSION, NAME (its newest version) or "production". */
export async function findModelVersion(reference: string, database: Db = defaultDb()) {
  if (reference === "production") return productionModel(database);
  const [name, version] = reference.split("@");
  if (version !== undefined) return database.modelVersion.findFirst({ where: { name, version: Number(version) } });
  return (await database.modelVersion.findUnique({ where: { id: reference } })) ?? database.modelVersion.findFirst({ where: { name: reference }, orderBy: { version: "desc" } });
}

export async function productionModel(database: Db = defaultDb()) {
  return database.modelVersion.findFirst({ where: { stage: "production" }, orderBy: { promotedAt: "desc" } });
}

/**
 * Registers a trained model: its files go to the blob store, an index of them becomes the
 * artifact key, and a new immutable version of `name` is created (version numbers count up per name).
 */
export async function registerModelVersion(
  input: {
    name: string;
    kind: DetectorFamilyId;
    datasetId: string;
    trainingJobId: string | null;
    files: Record<string, Uint8Array>;
    classes: string[];
    inputSize: number;
    parameterCount: number;
    trainingMetrics: TrainingMetrics;
  },
  store: BlobStore,
  database: Db = defaultDb(),
) {
  const index: ArtifactIndex = { files: {} };
  let sizeBytes = 0;
  for (const [file, bytes] of Object.entries(input.files)) {
    index.files[file] = await store.put(bytes);
    sizeBytes += bytes.byteLength;
  }
  const artifactKey = await store.put(new TextEncoder().encode(JSON.stringify(index)));
  return database.$transaction(async (tx) => {
    const latest = await tx.modelVersion.findFirst({ where: { name: input.name }, orderBy: { version: "desc" }, select: { version: true } });
    return tx.modelVersion.create({
      data: {
        name: input.name,
        version: (latest?.version ?? 0) + 1,
        kind: input.kind,
        datasetId: input.datasetId,
        trainingJobId: input.trainingJobId,
        artifactKey,
        classes: toStoredJson(modelClassesColumn, input.classes),
        inputSize: input.inputSize,
        parameterCount: input.parameterCount,
        sizeBytes,
        trainingMetrics: toStoredJson(modelTrainingMetricsColumn, input.trainingMetrics),
      },
    });
  });
}

/** Model versions to run in the browser (the Try page, the editor's preview), production first, newest next, with their format; results-only versions have nothing to run. */
export async function modelChoices(database: Db = defaultDb()): Promise<Array<{ id: string; label: string; production: boolean; format: BrowserModelFormat }>> {
  const versions = await database.modelVersion.findMany({
    where: { format: { in: [...BROWSER_MODEL_FORMATS] }, stage: { not: "external" } },
    orderBy: { createdAt: "desc" },
    select: { id: true, name: true, version: true, stage: true, format: true },
  });
  return versions
    .flatMap((v) => (isOneOf(BROWSER_MODEL_FORMATS, v.format) ? [{ id: v.id, label: `${v.name} v${v.version}`, production: v.stage === "production", format: v.format }] : []))
    .sort((a, b) => Number(b.production) - Number(a.production));
}

/** A file name of any model artifact: a TF.js one's or an ONNX one's. */
export type ModelFileName = ArtifactFileName | OnnxArtifactFileName;
/** The files a version's artifact holds, by its format (a results-only version's artifact is the results file, served by no file route). */
const MODEL_FILES: Record<ModelFormat, readonly ModelFileName[]> = { tfjs: ARTIFACT_FILES, onnx: ONNX_ARTIFACT_FILES, results: [] };

/** One file of a model version's artifact with its blob key (content-addressed: the key is a fine ETag); null when unknown or not a file of its format. */
export async function readModelFile(modelVersionId: string, file: ModelFileName, store: BlobStore, database: Db = defaultDb()): Promise<{ bytes: Buffer; key: string } | null> {
  const version = await database.modelVersion.findUnique({ where: { id: modelVersionId }, select: { artifactKey: true, stage: true, format: true } });
  if (!version || !isRunnableModel(version) || !isOneOf(MODEL_FORMATS, version.format) || !MODEL_FILES[version.format].includes(file)) return null;
  if (!(await store.has(version.artifactKey).catch(() => false))) return null;
  const index = await readArtifactIndex(version.artifactKey, store);
  const key = index.files[file];
  if (!key) return null;
  return { bytes: await store.get(key), key };
}

/** The files of a registered model version, read back from the blob store; an artifact lacking one of them throws. */
export async function readModelFiles(artifactKey: string, store: BlobStore): Promise<ArtifactFiles> {
  const index = await readArtifactIndex(artifactKey, store);
  const read = async (file: ArtifactFileName) => {
    const key = index.files[file];
    if (!key) throw new Error(`the model artifact ${artifactKey} has no ${file}`);
    return store.get(key);
  };
  return { "model.json": await read("model.json"), "weights.bin": await read("weights.bin"), "masklab.json": await read("masklab.json") };
}

async function readArtifactIndex(artifactKey: string, store: BlobStore): Promise<ArtifactIndex> {
  return parseStoredText(artifactIndexBlob, (await store.get(artifactKey)).toString("utf8"), artifactKey);
}
