import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import busboy from "busboy";
import { cocoResultsFieldsSchema, readCocoResultsText, type CocoResultsFields, type ExternalEvaluation } from "@/lib/contracts/http/coco-results";
import { datasetClassesColumn } from "@/lib/contracts/stored/datasets";
import { modelClassesColumn } from "@/lib/contracts/stored/models";
import { parseStored, toStoredJson } from "@/lib/contracts/stored/parse";
import { categoryMapping, describeProblems, PROBLEMS_SHOWN, resolveResults, type ResultsProblem } from "@/lib/domain/evaluation/external-results";
import { mediaTypeOf } from "@/lib/domain/media-type";
import type { Split } from "@/lib/domain/states";
import { firstIssue } from "@/lib/domain/validation-message";
import { cocoExportImages } from "../datasets/dataset-export";
import { storeEvaluation } from "../evaluation/model-evaluation";
import { db as defaultDb, type Db } from "../platform/db";
import { DomainError } from "../platform/errors";
import { DatasetNotFoundError } from "../platform/not-found";
import type { BlobStore } from "../platform/storage";
import { evaluationInputOf } from "../training/evaluate-split";
import { loadSplit } from "../training/training-data";

/**
 * Predictions made elsewhere (any model, any framework), brought in as a COCO results file and
 * scored on a dataset split by the same engine and the same storeEvaluation as models trained
 * here, so they sit in the benchmark table with every view an in-app evaluation has. The version
 * is an "external" one of format "results": its artifact is the uploaded file (kept byte for
 * byte so the figures can be reproduced), it has no model to run, and it is never promoted.
 * Its inputSize is 0: the images were sized by whoever ran the model, and Masklab never does.
 */

/** Largest results file accepted (a COCO results file of a large test split is tens of MB). */
export const RESULTS_MAX_BYTES = Number(process.env.MASKLAB_MAX_RESULTS_BYTES ?? 200 * 1024 * 1024);

/** A results upload that is refused before anything is stored: 400 malformed, 413 too large, 415 not multipart, 422 results that do not fit the split. */
export class ResultsRejectedError extends DomainError {
  constructor(
    message: string,
    readonly status: 400 | 413 | 415 | 422,
    problems?: { shown: string[]; count: number },
  ) {
    super(message, problems ? { details: { problems: problems.shown, problemCount: problems.count } } : {});
  }
}

export interface CocoResultsInput extends Omit<CocoResultsFields, "source" | "classMap"> {
  source?: string;
  classMap?: string;
  datasetId: string;
  /** the results file as uploaded */
  results: Uint8Array;
  /** its name, the version's source when none is given */
  fileName: string;
  /** who brought it in (null: nobody signed in, e.g. the CLI) */
  createdById?: string | null;
}

/**
 * Scores a COCO results file on a split of the dataset and stores it as an external model version
 * with its evaluation. Every result must name an image of the split and a known category; any
 * that does not is a 422 listing the first offenders, and nothing is stored. Images of the split
 * without a result count as misses.
 */
export async function evaluateCocoResults(input: CocoResultsInput, deps: { store: BlobStore; db?: Db }) {
  const database = deps.db ?? defaultDb();
  const dataset = await database.dataset.findUnique({ where: { id: input.datasetId }, select: { id: true, name: true, classes: true } });
  if (!dataset) throw new DatasetNotFoundError(input.datasetId);
  const classes = parseStored(datasetClassesColumn, dataset.classes, dataset.id);
  const mapping = categoryMapping(classes, input.classMap);
  if (!mapping.ok) throw new ResultsRejectedError(mapping.error, 400);

  const read = readCocoResultsText(new TextDecoder().decode(input.results));
  if (read.total === 0 && read.problems.length === 0) throw new ResultsRejectedError("the results file holds no detections", 422);
  const split = input.split as Split;
  const images = await loadSplit(dataset.id, split, classes, database);
  if (images.length === 0) throw new ResultsRejectedError(`the ${split} split of ${dataset.name} has no images to score the results on`, 422);

  const wholeExport = await cocoExportImages(dataset.id, {}, database);
  const splitExport = await cocoExportImages(dataset.id, { split }, database);
  const resolved = resolveResults(read.entries, {
    split,
    scheme: input.imageIds,
    numbering: input.imageIds === "dataset-export" ? wholeExport : splitExport,
    named: [...splitExport, ...wholeExport],
    categories: mapping.mapping,
  });
  const problems = [...read.problems, ...resolved.problems].sort((a, b) => (a.index ?? -1) - (b.index ?? -1));
  if (problems.length > 0) throw rejection(problems, read.total);

  const snapshot = { ...evaluationInputOf(classes, images, []), detections: resolved.detections };
  const artifactKey = await deps.store.put(input.results);
  const version = await database.$transaction(async (tx) => {
    const latest = await tx.modelVersion.findFirst({ where: { name: input.name }, orderBy: { version: "desc" }, select: { version: true } });
    return tx.modelVersion.create({
      data: {
        name: input.name,
        version: (latest?.version ?? 0) + 1,
        kind: "external",
        datasetId: dataset.id,
        artifactKey,
        classes: toStoredJson(modelClassesColumn, classes),
        inputSize: 0,
        sizeBytes: null,
        stage: "external",
        format: "results",
        source: input.source ?? input.fileName,
        createdById: input.createdById ?? null,
      },
    });
  });
  try {
    // Results are scored as given: no score floor, NMS or cap was applied here.
    const evaluation = await storeEvaluation({ modelVersionId: version.id, datasetId: dataset.id, split, snapshot, postprocess: {} }, { store: deps.store, db: database });
    return { version, evaluation };
  } catch (error) {
    await database.modelVersion.delete({ where: { id: version.id } });
    throw error;
  }
}

/** The file as a whole is unreadable (400), or some of its results are malformed or do not fit the split (422, the first few listed). */
function rejection(problems: readonly ResultsProblem[], total: number): ResultsRejectedError {
  const whole = problems.find((p) => p.index === null);
  if (whole) return new ResultsRejectedError(whole.message, 400);
  const shown = problems.slice(0, PROBLEMS_SHOWN).map((p) => `[${p.index}] ${p.message}`);
  return new ResultsRejectedError(describeProblems(problems, total), 422, { shown, count: problems.length });
}

/** The answer of an upload: the version, its evaluation and the headline figures. */
export function externalEvaluationAnswer(result: Awaited<ReturnType<typeof evaluateCocoResults>>): ExternalEvaluation {
  const { version, evaluation } = result;
  return {
    modelVersionId: version.id,
    evaluationId: evaluation.id,
    model: `${version.name} v${version.version}`,
    split: evaluation.split,
    images: evaluation.imageCount,
    detections: evaluation.metrics.detections,
    mAP50: evaluation.metrics.AP50,
    mAP50to95: evaluation.metrics.AP,
    perClassAP50: Object.fromEntries(evaluation.perClass.map((c) => [c.className, c.AP50])),
  };
}

/**
 * The browser's (or curl's) upload: multipart/form-data with the file in `results` and the
 * fields of cocoResultsFieldsSchema. The dataset is looked up first (404 before reading a byte),
 * the body is read up to `maxBytes` (413 beyond, counted as it streams), then scored.
 */
export async function evaluateUploadedCocoResults(
  datasetId: string,
  request: { body: ReadableStream<Uint8Array> | null; contentType: string; contentLength: number | null },
  deps: { store: BlobStore; db?: Db; createdById?: string | null; maxBytes?: number },
) {
  const database = deps.db ?? defaultDb();
  if (!(await database.dataset.findUnique({ where: { id: datasetId }, select: { id: true } }))) throw new DatasetNotFoundError(datasetId);
  const upload = await receiveResultsUpload(request, deps.maxBytes ?? RESULTS_MAX_BYTES);
  const fields = cocoResultsFieldsSchema.safeParse(upload.fields);
  if (!fields.success) throw new ResultsRejectedError(firstIssue(fields.error), 400);
  return evaluateCocoResults({ ...fields.data, datasetId, results: upload.file, fileName: upload.fileName, createdById: deps.createdById ?? null }, { store: deps.store, db: database });
}

async function receiveResultsUpload(
  request: { body: ReadableStream<Uint8Array> | null; contentType: string; contentLength: number | null },
  maxBytes: number,
): Promise<{ fields: Record<string, string>; file: Uint8Array; fileName: string }> {
  if (mediaTypeOf(request.contentType) !== "multipart/form-data") {
    throw new ResultsRejectedError("send the results as multipart/form-data: the file in `results`, with name and split", 415);
  }
  const tooLarge = () => new ResultsRejectedError(`the upload is over the ${maxBytes}-byte limit for a results file (MASKLAB_MAX_RESULTS_BYTES)`, 413);
  // multipart framing and the fields add a little to the file itself
  if (request.contentLength !== null && request.contentLength > maxBytes + 64 * 1024) throw tooLarge();
  if (!request.body) throw new ResultsRejectedError("the request has no body", 400);

  const fields: Record<string, string> = {};
  const chunks: Buffer[] = [];
  // written by the parser's callbacks
  const seen = { fileName: null as string | null, files: 0 };
  const parser = busboy({ headers: { "content-type": request.contentType }, limits: { files: 1, fields: 10, fieldSize: 4 * 1024, fileSize: maxBytes }, defParamCharset: "utf8" });
  const parsed = new Promise<void>((resolve, reject) => {
    parser.on("field", (name, value) => {
      fields[name] = value;
    });
    parser.on("file", (field, stream, info) => {
      seen.files++;
      if (field !== "results") {
        stream.resume();
        return;
      }
      seen.fileName = info.filename || "results.json";
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("limit", () => reject(tooLarge()));
    });
    parser.on("filesLimit", () => reject(new ResultsRejectedError("send one results file per upload", 400)));
    parser.on("error", reject);
    parser.on("close", resolve);
  });
  const source = Readable.fromWeb(request.body as import("node:stream/web").ReadableStream<Uint8Array>);
  let received = 0;
  source.on("data", (chunk: Buffer) => {
    received += chunk.length;
    if (received > maxBytes + 64 * 1024) source.destroy(tooLarge());
  });
  await Promise.all([pipeline(source, parser), parsed]);
  if (seen.fileName === null) throw new ResultsRejectedError(seen.files > 0 ? "the results file goes in the form field `results`" : "no results file in the upload", 400);
  return { fields, file: Buffer.concat(chunks), fileName: seen.fileName };
}
