import { mkdir, open, rm, stat, type FileHandle } from "node:fs/promises";
import path from "node:path";
import { Transform, type Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import yauzl from "yauzl";
import { isArchiveClutter, safeRelativePath } from "@/lib/domain/safe-path";
import type { ImportProgressListener } from "@/lib/domain/import-progress";
import type { ImportFindingCode } from "@/lib/domain/voc-boxes";
import { DomainError } from "../platform/errors";
import { importableKind, KIND_MAX_BYTES, type ImportableKind } from "./voc-folder";
import type { ImportIssueRecord } from "./voc-import";

export const ZIP_LIMITS = {
  maxEntries: 200_000,
  /** bytes written for one zip, at most this… */
  maxTotalBytes: 8 * 1024 * 1024 * 1024,
  /**
   * …and at most this many times the zip's own size (but never less than minBudgetBytes):
   * photos barely compress, while a zip bomb's zeros shrink a thousandfold.
   */
  maxExpansion: 100,
  minBudgetBytes: 64 * 1024 * 1024,
};
export type ZipLimits = typeof ZIP_LIMITS;

/** The archive as a whole is refused: not a zip, too many entries, or past its expansion budget. */
export class ZipRejectedError extends DomainError {
  readonly status = 422;

  constructor(message: string) {
    super(message);
    this.name = "ZipRejectedError";
  }
}

/**
 * Extracts a zip into `destination`, entry by entry (streaming, bounded memory). Only what an
 * import can read is written (images, .xml, ImageSets lists), each within its kind's limit, so
 * the disk used stays proportional to what can be imported. An entry whose name would escape
 * the folder (zip-slip), that is too large, lies about its size, or collides with another is
 * skipped and reported; the archive as a whole is refused only when it is not a zip or would
 * expand past its budget.
 */
export async function extractZip(
  zipPath: string,
  destination: string,
  options: { name?: string; limits?: ZipLimits; onProgress?: ImportProgressListener } = {},
): Promise<ImportIssueRecord[]> {
  const limits = options.limits ?? ZIP_LIMITS;
  const zipName = options.name ?? path.basename(zipPath);
  // decodeStrings: false turns off yauzl's own name check, which would abort the whole archive
  // on the first hostile name; we check every name ourselves and skip only that entry.
  const zip = await yauzl.openPromise(zipPath, { lazyEntries: true, decodeStrings: false, validateEntrySizes: true }).catch((error: Error) => {
    throw new ZipRejectedError(`not a readable zip file (${error.message})`);
  });
  if (zip.entryCount > limits.maxEntries) {
    zip.close();
    throw new ZipRejectedError(`the zip holds ${zip.entryCount} entries; the limit is ${limits.maxEntries}`);
  }
  const budget = Math.min(limits.maxTotalBytes, Math.max(limits.minBudgetBytes, (await stat(zipPath)).size * limits.maxExpansion));
  const findings: ImportIssueRecord[] = [];
  const refuse = (file: string, code: ImportFindingCode, message: string) => findings.push({ file, severity: "error", code, message });
  const ignored: string[] = [];
  const files = new Set<string>();
  const dirs = new Set<string>();
  let written = 0;
  let entriesRead = 0;
  options.onProgress?.(0, zip.entryCount, "unpacking");
  try {
    for await (const entry of zip.eachEntry()) {
      options.onProgress?.(entriesRead++, zip.entryCount, "unpacking");
      const rawName = yauzl.getFileNameLowLevel(entry.generalPurposeBitFlag, entry.fileName as unknown as Buffer, entry.extraFields, false);
      const safe = safeRelativePath(rawName);
      if (!safe.ok) {
        refuse(rawName, "unsafe-path", `zip entry skipped: ${safe.reason}`);
        continue;
      }
      if (rawName.endsWith("/") || isArchiveClutter(safe.path)) continue;
      const kind = importableKind(safe.path);
      if (kind === null) {
        ignored.push(safe.path);
        continue;
      }
      const conflict = pathConflict(safe.path, files, dirs);
      if (conflict) {
        refuse(safe.path, "path-conflict", `the zip holds both a file and a folder named "${conflict}"; this entry is skipped`);
        continue;
      }
      const maxBytes = KIND_MAX_BYTES[kind];
      if (entry.uncompressedSize > maxBytes) {
        refuse(safe.path, "file-too-large", `${entry.uncompressedSize} bytes is over the ${maxBytes}-byte limit for ${KIND_WORDS[kind]}; skipped`);
        continue;
      }
      if (written + entry.uncompressedSize > budget) {
        throw new ZipRejectedError(`the zip expands to more than ${budget} bytes of images and annotations (${limits.maxExpansion} times its own size); refused`);
      }
      const target = path.join(destination, safe.path);
      try {
        const result = await writeCapped(() => zip.openReadStreamPromise(entry), await createFile(target), target, maxBytes);
        if (result.overLimit) {
          refuse(safe.path, "file-too-large", `holds more than ${maxBytes} bytes, the limit for ${KIND_WORDS[kind]}; skipped`);
          continue;
        }
        written += result.written;
        files.add(safe.path);
        for (let dir = path.posix.dirname(safe.path); dir !== "."; dir = path.posix.dirname(dir)) dirs.add(dir);
      } catch (error) {
        const collision = await collisionOf(error, target);
        if (collision === "duplicate-file") refuse(safe.path, collision, "the zip holds this path twice; kept the first");
        else if (collision === "path-conflict") refuse(safe.path, collision, "a file and a folder share this path in the zip; this entry is skipped");
        else {
          // A half-written entry must not be imported.
          await rm(target, { force: true }).catch(() => undefined);
          refuse(safe.path, "zip-entry-corrupt", `cannot be extracted (${(error as Error).message})`);
        }
      }
    }
  } finally {
    zip.close();
  }
  options.onProgress?.(zip.entryCount, zip.entryCount, "unpacking");
  if (ignored.length > 0) findings.push(ignoredFinding(zipName, ignored));
  return findings;
}

const KIND_WORDS: Record<ImportableKind, string> = { image: "an image", annotation: "an annotation file", "split-list": "an ImageSets list" };

/** The part of `file` already taken by the other kind (a file where a folder is needed, or the reverse). */
function pathConflict(file: string, files: Set<string>, dirs: Set<string>): string | null {
  if (dirs.has(file)) return file;
  for (let dir = path.posix.dirname(file); dir !== "."; dir = path.posix.dirname(dir)) {
    if (files.has(dir)) return dir;
  }
  return null;
}

/** One finding for everything an import would never read, with a few names as examples. */
export function ignoredFinding(file: string, ignored: string[]): ImportIssueRecord {
  const examples = ignored.slice(0, 3).join(", ") + (ignored.length > 3 ? ", …" : "");
  return { file, severity: "info", code: "files-ignored", message: `${ignored.length} file(s) that are not images, .xml or ImageSets lists were not extracted (${examples})` };
}

/** Why a file could not be created: its path is taken by a file, or a file and a folder collide. */
export async function collisionOf(error: unknown, target: string): Promise<"duplicate-file" | "path-conflict" | null> {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === "ENOTDIR" || code === "EISDIR") return "path-conflict";
  if (code !== "EEXIST") return null;
  // EEXIST is also what creating a folder says when a file holds its name.
  return (await stat(target).catch(() => null))?.isFile() ? "duplicate-file" : "path-conflict";
}

/**
 * Creates a file that must not exist yet, with its folders. Done before its content is read, so a
 * name that cannot be created (taken, or a file where a folder is needed) leaves the source
 * unconsumed for the caller to drain.
 */
export async function createFile(target: string): Promise<FileHandle> {
  await mkdir(path.dirname(target), { recursive: true });
  return open(target, "wx");
}

/**
 * Streams `source` into `file` (at `target`), counting real bytes (declared sizes can lie): past
 * `maxBytes` nothing more is written, the rest is drained, and the file is removed.
 */
export async function writeCapped(
  source: Readable | (() => Promise<Readable>),
  file: FileHandle,
  target: string,
  maxBytes: number,
): Promise<{ written: number; overLimit: boolean }> {
  let written = 0;
  let overLimit = false;
  const cap = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      if (!overLimit) {
        written += chunk.length;
        overLimit = written > maxBytes;
      }
      callback(null, overLimit ? undefined : chunk);
    },
  });
  let input: Readable;
  try {
    input = typeof source === "function" ? await source() : source;
  } catch (error) {
    await file.close();
    throw error;
  }
  await pipeline(input, cap, file.createWriteStream());
  if (overLimit) await rm(target, { force: true });
  return { written, overLimit };
}
