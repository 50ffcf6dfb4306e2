import { createWriteStream } from "node:fs";
import { mkdir } from "node:fs/promises";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import yauzl from "yauzl";
import { isArchiveClutter, safeRelativePath } from "@/lib/domain/safe-path";
import type { ImportIssueRecord } from "./voc-import";

export const ZIP_LIMITS = {
  maxEntries: 200_000,
  maxEntryBytes: 60 * 1024 * 1024,
  maxTotalBytes: 8 * 1024 * 1024 * 1024,
} as const;

export class ZipRejectedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ZipRejectedError";
  }
}

/**
 * Extracts a zip into `destination`, entry by entry (streaming, bounded memory). Entries whose
 * names would escape the folder (zip-slip), that are too large, or that lie about their size are
 * skipped and reported; the archive as a whole is refused only when it is not a zip or exceeds
 * the total limits.
 */
export async function extractZip(zipPath: string, destination: string, limits = ZIP_LIMITS): Promise<ImportIssueRecord[]> {
  // decodeStrings: false turns off yauzl's own name check, which would abort the whole archive
  // on the first hostile name; we check every name ourselves and skip only that entry.
  const zip = await yauzl.openPromise(zipPath, { lazyEntries: true, decodeStrings: false, validateEntrySizes: true }).catch((error: Error) => {
    throw new ZipRejectedError(`not a readable zip file (${error.message})`);
  });
  if (zip.entryCount > limits.maxEntries) {
    zip.close();
    throw new ZipRejectedError(`the zip holds ${zip.entryCount} entries; the limit is ${limits.maxEntries}`);
  }
  const findings: ImportIssueRecord[] = [];
  let totalBytes = 0;
  try {
    for await (const entry of zip.eachEntry()) {
      const rawName = yauzl.getFileNameLowLevel(entry.generalPurposeBitFlag, entry.fileName as unknown as Buffer, entry.extraFields, false);
      const safe = safeRelativePath(rawName);
      if (!safe.ok) {
        findings.push({ file: rawName, severity: "error", code: "unsafe-path", message: `zip entry skipped: ${safe.reason}` });
        continue;
      }
      if (rawName.endsWith("/") || isArchiveClutter(safe.path)) continue;
      if (entry.uncompressedSize > limits.maxEntryBytes) {
        findings.push({ file: safe.path, severity: "error", code: "file-too-large", message: `${entry.uncompressedSize} bytes is over the ${limits.maxEntryBytes}-byte limit; skipped` });
        continue;
      }
      totalBytes += entry.uncompressedSize;
      if (totalBytes > limits.maxTotalBytes) {
        throw new ZipRejectedError(`the zip expands to more than ${limits.maxTotalBytes} bytes`);
      }
      const target = path.join(destination, safe.path);
      await mkdir(path.dirname(target), { recursive: true });
      try {
        await pipeline(await zip.openReadStreamPromise(entry), createWriteStream(target, { flags: "wx" }));
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        findings.push({
          file: safe.path,
          severity: "error",
          code: code === "EEXIST" ? "duplicate-file" : "zip-entry-corrupt",
          message: code === "EEXIST" ? "the zip holds this path twice; kept the first" : `cannot be extracted (${(error as Error).message})`,
        });
      }
    }
  } finally {
    zip.close();
  }
  return findings;
}
