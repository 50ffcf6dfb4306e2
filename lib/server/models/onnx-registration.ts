import { readFile, stat } from "node:fs/promises";
import path from "node:path";
import type { InferenceSession } from "onnxruntime-common";
import type { OnnxModelKind, OnnxModelMetadata } from "@/lib/contracts/artifact";
import { datasetClassesColumn } from "@/lib/contracts/stored/datasets";
import { modelClassesColumn } from "@/lib/contracts/stored/models";
import { parseStored, toStoredJson } from "@/lib/contracts/stored/parse";
import type { RgbImage } from "@/lib/detection/common/preprocess";
import { OnnxFormatError, parameterCountOf, readOnnxGraph } from "@/lib/detection/onnx/onnx-graph";
import { onnxMetadataFor, OnnxSignatureError } from "@/lib/detection/onnx/onnx-signature";
import { generateScene, sceneToSvg } from "@/lib/domain/synthetic-scene";
import { db as defaultDb, type Db } from "../platform/db";
import { DomainError } from "../platform/errors";
import type { BlobStore } from "../platform/storage";
import { decodeImageRgb } from "../images/decode";
import { createOnnxSession, onnxDetectorOver } from "./onnx-runtime";

/** Largest .onnx accepted (MASKLAB_MAX_MODEL_BYTES, default 1 GiB): protobuf caps a single file at 2 GB, and the graph is read whole to verify it. */
export function maxModelBytes(env: NodeJS.ProcessEnv = process.env): number {
  return Number(env.MASKLAB_MAX_MODEL_BYTES ?? 1024 ** 3);
}

/** The model was refused before anything was registered; the message says what was expected. */
export class OnnxModelRejectedError extends DomainError {
  readonly status = 422;
}
/** The file is over the size limit. */
export class ModelFileTooLargeError extends DomainError {
  readonly status = 413;
}
/** The upload names a dataset that does not exist. */
export class UnknownDatasetError extends DomainError {
  readonly status = 404;
}

export interface OnnxRegistrationRequest {
  /** the .onnx file on this machine (the upload, already streamed to disk) */
  filePath: string;
  /** the uploaded file's name: the default model name and source */
  fileName: string;
  kind: OnnxModelKind;
  /** the dataset it is judged on: id or name */
  dataset: string;
  /** in the order of the model's class ids; default: the dataset's classes */
  classes?: string[];
  inputSize?: number;
  name?: string;
  source?: string;
  createdById?: string | null;
}

/** What verification established, for the uploader to read. */
export interface OnnxVerification {
  opset: number;
  producer: string;
  input: string;
  outputs: string[];
  parameterCount: number;
  testImage: string;
  testDetections: number;
}

/**
 * Verifies an ONNX detector and registers it as a new version (format "onnx", stage candidate):
 * size limit; the graph read with protobufjs (not ONNX or truncated → refused); its signature
 * against the declared kind and classes (opset, input layout, output shapes, class count); the
 * declared classes against the dataset's catalogue; the graph loaded by ONNX Runtime (an op it
 * lacks → refused); one inference on a dataset image, decoded as serving will. Any failure
 * throws a 4xx DomainError and nothing is stored.
 */
export async function registerOnnxModel(request: OnnxRegistrationRequest, deps: { store: BlobStore; db?: Db; maxBytes?: number }): Promise<{ version: Awaited<ReturnType<Db["modelVersion"]["create"]>>; metadata: OnnxModelMetadata; verification: OnnxVerification }> {
  const database = deps.db ?? defaultDb();
  const limit = deps.maxBytes ?? maxModelBytes();
  const { size } = await stat(request.filePath);
  if (size > limit) throw new ModelFileTooLargeError(`the model file is ${size} bytes; the limit is ${limit} (MASKLAB_MAX_MODEL_BYTES)`);
  const dataset = (await database.dataset.findFirst({ where: { OR: [{ id: request.dataset }, { name: request.dataset }] }, select: { id: true, name: true, classes: true } })) ?? refuse(UnknownDatasetError, `no dataset "${request.dataset}"`);
  const catalogue = parseStored(datasetClassesColumn, dataset.classes, dataset.id);
  const classes = request.classes ?? catalogue;
  const strangers = classes.filter((c) => !catalogue.includes(c));
  if (strangers.length > 0) refuse(OnnxModelRejectedError, `${strangers.map((c) => `"${c}"`).join(", ")} ${strangers.length === 1 ? "is not a class" : "are not classes"} of dataset ${dataset.name} (${catalogue.join(", ")}): declare the model's classes by the dataset's names, in the order of the model's class ids`);
  if (new Set(classes).size !== classes.length) refuse(OnnxModelRejectedError, `a class is declared twice (${classes.join(", ")})`);

  const bytes = await readFile(request.filePath);
  const graph = verified(() => readOnnxGraph(bytes));
  const metadata = verified(() => onnxMetadataFor(graph, { kind: request.kind, classes, inputSize: request.inputSize }));
  let session: InferenceSession;
  try {
    session = await createOnnxSession(bytes);
  } catch (error) {
    throw new OnnxModelRejectedError(`ONNX Runtime cannot load this graph (an op it lacks, or an invalid model): ${firstLine(error)}`);
  }
  const detector = onnxDetectorOver(session, metadata);
  const { image, name: testImage } = await testImageOf(dataset.id, deps.store, database);
  let testDetections: number;
  try {
    testDetections = (await detector.detect([image], { scoreThreshold: 0.001, multiLabel: true }))[0]!.length;
  } catch (error) {
    throw new OnnxModelRejectedError(`the test inference on ${testImage} failed: ${firstLine(error)}`);
  } finally {
    detector.dispose();
  }

  const metadataBytes = new TextEncoder().encode(JSON.stringify(metadata, null, 2));
  const index = { files: { "model.onnx": await deps.store.put(bytes), "masklab.json": await deps.store.put(metadataBytes) } };
  const artifactKey = await deps.store.put(new TextEncoder().encode(JSON.stringify(index)));
  const parameterCount = parameterCountOf(graph);
  const name = request.name?.trim() || path.basename(request.fileName).replace(/\.onnx$/i, "");
  const version = await database.$transaction(async (tx) => {
    const latest = await tx.modelVersion.findFirst({ where: { name }, orderBy: { version: "desc" }, select: { version: true } });
    return tx.modelVersion.create({
      data: {
        name,
        version: (latest?.version ?? 0) + 1,
        kind: request.kind,
        format: "onnx",
        source: request.source?.trim() || request.fileName,
        createdById: request.createdById ?? null,
        datasetId: dataset.id,
        artifactKey,
        classes: toStoredJson(modelClassesColumn, classes),
        inputSize: metadata.inputSize,
        parameterCount,
        sizeBytes: bytes.byteLength + metadataBytes.byteLength,
      },
    });
  });
  const describe = (v: { name: string; dims: readonly unknown[] | null }) => `${v.name} [${v.dims?.map((d) => d ?? "?").join(", ") ?? "?"}]`;
  return { version, metadata, verification: { opset: graph.opset, producer: graph.producer, input: describe(graph.inputs[0]!), outputs: graph.outputs.map(describe), parameterCount, testImage, testDetections } };
}

/** Pure checks' refusals (not ONNX, wrong signature) as the 422 a client can act on. */
function verified<T>(check: () => T): T {
  try {
    return check();
  } catch (error) {
    if (error instanceof OnnxFormatError || error instanceof OnnxSignatureError) throw new OnnxModelRejectedError(error.message);
    throw error;
  }
}

function refuse(kind: new (message: string) => DomainError, message: string): never {
  throw new kind(message);
}

/** ONNX Runtime's messages run over several lines with C++ context; the first says what is wrong. */
const firstLine = (error: unknown) => String((error as Error).message ?? error).split("\n")[0]!.slice(0, 500);

/** One of the dataset's images (test split first), or a synthetic scene when it has none. */
async function testImageOf(datasetId: string, store: BlobStore, database: Db): Promise<{ image: RgbImage; name: string }> {
  const row = await database.image.findFirst({ where: { datasetId }, orderBy: [{ split: "asc" }, { fileName: "asc" }], select: { fileName: true, contentHash: true } });
  if (row) return { image: await decodeImageRgb(await store.get(row.contentHash)), name: row.fileName };
  return { image: await decodeImageRgb(Buffer.from(sceneToSvg(generateScene(1, 0)))), name: "a synthetic scene (the dataset has no images)" };
}
