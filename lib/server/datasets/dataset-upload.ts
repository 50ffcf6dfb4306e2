import { randomUUID } from "node:crypto";
import { createWriteStream } from "node:fs";
import { mkdir, readdir, rm } from "node:fs/promises";
import path from "node:path";
import { Readable } from "node:stream";
import { mediaTypeOf } from "@/lib/domain/media-type";
import { pipeline } from "node:stream/promises";
import busboy from "busboy";
import { datasetNameSchema, parseClassMap } from "@/lib/domain/dataset-name";
import type { ImportProgressListener } from "@/lib/domain/import-progress";
import { isArchiveClutter, safeRelativePath } from "@/lib/domain/safe-path";
import { dataDir } from "../platform/config";
import type { Db } from "../platform/db";
import { DomainError } from "../platform/errors";
import type { BlobStore } from "../platform/storage";
import { importableKind, KIND_MAX_BYTES } from "./voc-folder";
import { importVocFolder, type ImportIssueRecord, type ImportSummary } from "./voc-import";
import { collisionOf, createFile, extractZip, ignoredFinding, writeCapped } from "./zip-extract";

export const UPLOAD_LIMITS = {
  /** whole request */
  maxBytes: Number(process.env.MASKLAB_MAX_UPLOAD_BYTES ?? 2 * 1024 * 1024 * 1024),
  maxFiles: 100_000,
} as const;

/** The upload is refused before anything is imported: malformed (400), too large (413), not multipart (415). */
export class UploadRejectedError extends DomainError {
  constructor(
    message: string,
    readonly status: 400 | 413 | 415,
  ) {
    super(message);
    this.name = "UploadRejectedError";
  }
}

export interface ReceivedUpload {
  dir: string;
  fields: Record<string, string>;
  findings: ImportIssueRecord[];
  fileCount: number;
  /** uploaded zips not extracted yet (importUpload extracts them first) */
  zips: UploadedZip[];
}

interface UploadedZip {
  path: string;
  /** its name in the upload */
  name: string;
}

/**
 * Streams a multipart upload to a private folder under DATA_DIR/uploads: loose files land at
 * their (sanitised) relative paths, zip files are extracted there. Nothing is held in memory,
 * and only what an import can read is kept, each file within its kind's limit.
 */
export async function receiveUpload(
  body: ReadableStream<Uint8Array>,
  contentType: string,
  contentLength: number | null,
  options: { onProgress?: ImportProgressListener } = {},
): Promise<ReceivedUpload> {
  return unpackZips(await receiveParts(body, contentType, contentLength), options.onProgress);
}

/**
 * The request body only: files stored, zips kept to extract later. The browser's import answers
 * once this is done, so its progress stream starts after the upload (which the browser measures).
 */
export async function receiveParts(body: ReadableStream<Uint8Array>, contentType: string, contentLength: number | null): Promise<ReceivedUpload> {
  if (mediaTypeOf(contentType) !== "multipart/form-data") {
    throw new UploadRejectedError("send the dataset as multipart/form-data (a .zip, or the files of a folder)", 415);
  }
  if (contentLength !== null && contentLength > UPLOAD_LIMITS.maxBytes) {
    throw new UploadRejectedError(`the upload is ${contentLength} bytes; the limit is ${UPLOAD_LIMITS.maxBytes}`, 413);
  }
  const { dir, filesDir } = await newUploadDir();
  try {
    const { fields, findings, zips, fileCount } = await streamParts(body, contentType, dir, filesDir);
    return { dir, fields, findings, fileCount, zips };
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}

/** Extracts the upload's zips into its files (the upload is discarded when one is refused). */
async function unpackZips(upload: ReceivedUpload, onProgress?: ImportProgressListener): Promise<ReceivedUpload> {
  const filesDir = path.join(upload.dir, "files");
  try {
    const findings = [...upload.findings];
    for (const zip of upload.zips) findings.push(...(await extractZip(zip.path, filesDir, { name: zip.name, onProgress })));
    await Promise.all(upload.zips.map((zip) => rm(zip.path, { force: true })));
    return { ...upload, findings, zips: [] };
  } catch (error) {
    await discardUpload(upload);
    throw error;
  }
}

/** A zip on this machine (`npm run import -- file.zip`), extracted as an uploaded zip is. */
export async function receiveZipFile(zipPath: string, options: { onProgress?: ImportProgressListener } = {}): Promise<ReceivedUpload> {
  const { dir, filesDir } = await newUploadDir();
  try {
    const findings = await extractZip(zipPath, filesDir, { onProgress: options.onProgress });
    return { dir, fields: {}, findings, fileCount: 1, zips: [] };
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
}

async function newUploadDir(): Promise<{ dir: string; filesDir: string }> {
  const dir = path.join(dataDir(), "uploads", randomUUID());
  const filesDir = path.join(dir, "files");
  await mkdir(filesDir, { recursive: true });
  return { dir, filesDir };
}

async function streamParts(body: ReadableStream<Uint8Array>, contentType: string, dir: string, filesDir: string) {
  const fields: Record<string, string> = {};
  const findings: ImportIssueRecord[] = [];
  const zips: UploadedZip[] = [];
  const ignored: string[] = [];
  const writes: Promise<void>[] = [];
  // Files are created one after another in upload order, so when two collide the first one wins.
  let creating: Promise<unknown> = Promise.resolve();
  let fileCount = 0;
  let received = 0;

  const parser = busboy({
    headers: { "content-type": contentType },
    limits: { files: UPLOAD_LIMITS.maxFiles, fields: 20, fieldSize: 64 * 1024, fileSize: UPLOAD_LIMITS.maxBytes },
    preservePath: true,
    defParamCharset: "utf8",
  });
  const done = new Promise<void>((resolve, reject) => {
    parser.on("field", (name, value) => {
      fields[name] = value;
    });
    parser.on("file", (_field, stream, info) => {
      fileCount++;
      const safe = safeRelativePath(info.filename ?? "");
      const isZip = safe.ok && safe.path.toLowerCase().endsWith(".zip");
      const kind = safe.ok ? importableKind(safe.path) : null;
      if (!safe.ok || isArchiveClutter(safe.path) || (!isZip && kind === null)) {
        if (!safe.ok) findings.push({ file: info.filename ?? "(unnamed)", severity: "error", code: "unsafe-path", message: `file skipped: ${safe.reason}` });
        else if (!isArchiveClutter(safe.path)) ignored.push(safe.path);
        stream.resume();
        return;
      }
      const target = isZip ? path.join(dir, `${randomUUID()}.zip`) : path.join(filesDir, safe.path);
      if (isZip) zips.push({ path: target, name: safe.path });
      // A zip may be as large as the whole request; it is held to its budget when extracted.
      const maxBytes = kind === null ? UPLOAD_LIMITS.maxBytes : KIND_MAX_BYTES[kind];
      const created = creating.then(() => createFile(target));
      creating = created.catch(() => undefined);
      writes.push(
        created
          .then((file) => writeCapped(stream, file, target, maxBytes))
          .then(({ overLimit }) => {
            if (overLimit) findings.push({ file: safe.path, severity: "error", code: "file-too-large", message: `over the ${maxBytes}-byte limit for a file of its kind; skipped` });
          })
          .catch(async (error: unknown) => {
            const collision = await collisionOf(error, target);
            if (collision === null) throw error;
            const message = collision === "duplicate-file" ? "uploaded twice; kept the first" : "a file and a folder share this path in the upload; this file is skipped";
            findings.push({ file: safe.path, severity: "error", code: collision, message });
            stream.resume();
          }),
      );
    });
    parser.on("filesLimit", () => reject(new UploadRejectedError(`more than ${UPLOAD_LIMITS.maxFiles} files in one upload`, 413)));
    parser.on("error", reject);
    parser.on("close", resolve);
  });

  const source = Readable.fromWeb(body as import("node:stream/web").ReadableStream<Uint8Array>);
  source.on("data", (chunk: Buffer) => {
    received += chunk.length;
    if (received > UPLOAD_LIMITS.maxBytes) source.destroy(new UploadRejectedError(`the upload is over the ${UPLOAD_LIMITS.maxBytes}-byte limit`, 413));
  });
  await Promise.all([pipeline(source, parser), done]);
  await Promise.all(writes);
  if (fileCount === 0) throw new UploadRejectedError("no files in the upload: choose a .zip or the files of a VOC folder", 400);
  if (ignored.length > 0) findings.push(ignoredFinding("(upload)", ignored));
  return { fields, findings, zips, fileCount };
}

/** Zips and picked folders usually wrap the dataset in one top folder: look inside it. */
export async function findDatasetRoot(dir: string): Promise<string> {
  let current = dir;
  for (let depth = 0; depth < 5; depth++) {
    const entries = (await readdir(current, { withFileTypes: true })).filter((e) => !isArchiveClutter(e.name));
    const only = entries[0];
    if (entries.length !== 1 || !only?.isDirectory() || /^(annotations|jpegimages|images|imagesets)$/i.test(only.name)) return current;
    current = path.join(current, only.name);
  }
  return current;
}

/** A browser upload whose form fields were checked: what importBrowserUpload imports. */
export interface BrowserUpload {
  upload: ReceivedUpload;
  name: string;
  classMap: Record<string, string>;
}

/**
 * The browser's upload: receives the request body and checks the dataset name and class map its
 * form fields give (400, the upload discarded). Nothing is imported yet.
 */
export async function receiveBrowserUpload(body: ReadableStream<Uint8Array> | null, contentType: string, contentLength: number | null): Promise<BrowserUpload> {
  if (!body) throw new UploadRejectedError("the request has no body", 400);
  const upload = await receiveParts(body, contentType, contentLength);
  const refuse = async (message: string): Promise<never> => {
    await discardUpload(upload);
    throw new UploadRejectedError(message, 400);
  };
  const name = datasetNameSchema.safeParse(upload.fields.name ?? "");
  if (!name.success) return refuse(name.error.issues[0]!.message);
  const classMap = parseClassMap(upload.fields.classMap ?? "");
  if (!classMap.ok) return refuse(classMap.error);
  return { upload, name: name.data, classMap: classMap.map };
}

/** Imports a received browser upload under its name and class map, telling `onProgress` how far it is. */
export function importBrowserUpload(received: BrowserUpload, options: { onProgress?: ImportProgressListener; db?: Db; store?: BlobStore } = {}): Promise<ImportSummary> {
  return importUpload(received.upload, { name: received.name, classMap: received.classMap, ...options });
}

/** Imports a received upload (extracting its zips first), always removing the upload folder afterwards. */
export async function importUpload(
  upload: ReceivedUpload,
  options: { name: string; classMap?: Record<string, string>; db?: Db; store?: BlobStore; source?: string; onProgress?: ImportProgressListener },
): Promise<ImportSummary> {
  try {
    const unpacked = await unpackZips(upload, options.onProgress);
    const root = await findDatasetRoot(path.join(upload.dir, "files"));
    return await importVocFolder(root, { source: "browser upload", ...options, priorFindings: unpacked.findings });
  } finally {
    await discardUpload(upload);
  }
}

export async function discardUpload(upload: ReceivedUpload): Promise<void> {
  await rm(upload.dir, { recursive: true, force: true });
}
