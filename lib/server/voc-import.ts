import { readFile, stat } from "node:fs/promises";
import path from "node:path";
import sharp, { type Metadata } from "sharp";
import { sameAnnotationSet, type AnnotatedBox, type AnnotationSet } from "@/lib/domain/annotation-set";
import { FACEMASK_CLASSES } from "@/lib/domain/classes";
import type { Split } from "@/lib/domain/states";
import { parseVoc, type VocAnnotation } from "@/lib/domain/voc";
import { vocObjectToBox, type ImportFinding } from "@/lib/domain/voc-boxes";
import type { Prisma } from "@/generated/prisma/client";
import { toAnnotatedBox, toBoxCreate } from "./box-rows";
import { db as defaultDb, type Db } from "./db";
import { blobStore, sha256Hex, type BlobStore } from "./storage";
import { readVocFolder } from "./voc-folder";

/** Limits read before decoding anything, so hostile files cost nothing. */
export const IMPORT_LIMITS = {
  maxAnnotationBytes: 2 * 1024 * 1024,
  maxImageBytes: 50 * 1024 * 1024,
  maxImagePixels: 100_000_000,
} as const;

export interface ImportOptions {
  name: string;
  description?: string;
  /** where the files came from, shown with the import run */
  source?: string;
  /** class catalogue for a new dataset; an existing dataset keeps its own */
  classes?: readonly string[];
  db?: Db;
  store?: BlobStore;
  onProgress?: (done: number, total: number) => void;
}

export interface ImportIssueRecord extends ImportFinding {
  /** path relative to the imported folder */
  file: string;
}

export interface ImportSummary {
  datasetId: string;
  importRunId: string;
  imagesAdded: number;
  imagesUnchanged: number;
  /** already stored with different labels: reported, never overwritten */
  imagesChanged: number;
  imagesSkipped: number;
  unlabeledAdded: number;
  boxesAdded: number;
  issues: ImportIssueRecord[];
  issueCounts: Record<ImportFinding["severity"], number>;
}

export class ImportFailedError extends Error {
  constructor(
    message: string,
    readonly issues: ImportIssueRecord[],
  ) {
    super(message);
    this.name = "ImportFailedError";
  }
}

interface PreparedImage {
  fileName: string;
  contentHash: string;
  width: number;
  height: number;
  channels: number;
  format: string;
  split: Split;
  annotation: AnnotationSet;
  vocExtra: Record<string, unknown> | null;
}

/**
 * Imports a Pascal VOC folder into a dataset (created when new). Files are verified and stored
 * first; the database is then changed in one transaction, so a failed import leaves it as it
 * was. Re-importing is idempotent: unchanged images are skipped, and images whose stored labels
 * differ are reported instead of overwritten (they may hold human edits).
 */
export async function importVocFolder(dir: string, options: ImportOptions): Promise<ImportSummary> {
  const database = options.db ?? defaultDb();
  const store = options.store ?? blobStore();
  const folder = await readVocFolder(dir);
  const issues: ImportIssueRecord[] = [];
  const report = (file: string, finding: ImportFinding) => issues.push({ file, ...finding });

  const existingDataset = await database.dataset.findUnique({ where: { name: options.name } });
  const classes = existingDataset ? (existingDataset.classes as string[]) : [...(options.classes ?? FACEMASK_CLASSES)];

  const pairs = await pairAnnotationsWithImages(folder.root, folder.annotationFiles, folder.imageFiles, report);
  const prepared: PreparedImage[] = [];
  const seenHashes = new Map<string, string>();
  let done = 0;
  for (const pair of pairs) {
    const image = await prepareImage(folder.root, pair, classes, store, report);
    if (image) {
      const firstFile = seenHashes.get(image.contentHash);
      if (firstFile) {
        report(image.fileName, { severity: "warning", code: "duplicate-image", message: `same content as ${firstFile}; skipped` });
      } else {
        seenHashes.set(image.contentHash, image.fileName);
        image.split = folder.splits.get(path.parse(image.fileName).name) ?? "unassigned";
        prepared.push(image);
        if (!pair.annotation) report(image.fileName, { severity: "info", code: "image-unlabeled", message: "no annotation file; imported as unlabeled" });
      }
    }
    options.onProgress?.(++done, pairs.length);
  }
  if (prepared.length === 0) {
    throw new ImportFailedError(`nothing could be imported from ${dir}: ${issues.length} problem(s) found`, issues);
  }
  return writeImport(database, prepared, issues, classes, options, dir);
}

interface ImagePair {
  imageFile: string;
  annotationFile: string | null;
  annotation: VocAnnotation | null;
}

async function pairAnnotationsWithImages(
  root: string,
  annotationFiles: string[],
  imageFiles: string[],
  report: (file: string, finding: ImportFinding) => void,
): Promise<ImagePair[]> {
  const byName = new Map(imageFiles.map((f) => [path.basename(f).toLowerCase(), f]));
  const byStem = new Map(imageFiles.map((f) => [path.parse(f).name.toLowerCase(), f]));
  const pairs = new Map<string, ImagePair>();

  for (const annotationFile of annotationFiles) {
    const size = (await stat(path.join(root, annotationFile))).size;
    if (size > IMPORT_LIMITS.maxAnnotationBytes) {
      report(annotationFile, { severity: "error", code: "xml-too-large", message: `${size} bytes is over the ${IMPORT_LIMITS.maxAnnotationBytes}-byte limit for an annotation file` });
      continue;
    }
    const parsed = parseVoc(await readFile(path.join(root, annotationFile), "utf8"));
    if (!parsed.ok) {
      report(annotationFile, { severity: "error", code: "xml-malformed", message: parsed.error.message });
      continue;
    }
    for (const problem of parsed.problems) {
      report(annotationFile, { severity: "error", code: "xml-object-invalid", message: `${problem.message}; skipped` });
    }
    // <filename> is only a hint matched against the listing, never a path to open.
    const hinted = parsed.annotation.filename ? byName.get(path.basename(parsed.annotation.filename).toLowerCase()) : undefined;
    const imageFile = hinted ?? byStem.get(path.parse(annotationFile).name.toLowerCase());
    if (!imageFile) {
      report(annotationFile, {
        severity: "error",
        code: "image-missing",
        message: `image ${JSON.stringify(parsed.annotation.filename ?? path.parse(annotationFile).name)} not found`,
      });
      continue;
    }
    if (pairs.has(imageFile)) {
      report(annotationFile, { severity: "warning", code: "duplicate-annotation", message: `${imageFile} is already labelled by ${pairs.get(imageFile)!.annotationFile}; ignored` });
      continue;
    }
    pairs.set(imageFile, { imageFile, annotationFile, annotation: parsed.annotation });
  }
  for (const imageFile of imageFiles) {
    if (!pairs.has(imageFile)) pairs.set(imageFile, { imageFile, annotationFile: null, annotation: null });
  }
  // Labelled images first: when two files hold the same picture, the one with labels is kept.
  return [...pairs.values()].sort(
    (a, b) => Number(a.annotation === null) - Number(b.annotation === null) || a.imageFile.localeCompare(b.imageFile),
  );
}

async function prepareImage(
  root: string,
  pair: ImagePair,
  classes: readonly string[],
  store: BlobStore,
  report: (file: string, finding: ImportFinding) => void,
): Promise<PreparedImage | null> {
  const { imageFile, annotation } = pair;
  const fullPath = path.join(root, imageFile);
  const size = (await stat(fullPath)).size;
  if (size === 0 || size > IMPORT_LIMITS.maxImageBytes) {
    report(imageFile, { severity: "error", code: size === 0 ? "image-empty" : "image-too-large", message: size === 0 ? "the file is empty" : `${size} bytes is over the ${IMPORT_LIMITS.maxImageBytes}-byte limit` });
    return null;
  }
  const bytes = await readFile(fullPath);
  let meta: Metadata;
  try {
    // Reads the header only: dimensions are checked before any pixel is decoded.
    meta = await sharp(bytes, { limitInputPixels: IMPORT_LIMITS.maxImagePixels }).metadata();
  } catch (error) {
    report(imageFile, { severity: "error", code: "image-unreadable", message: `not a readable image (${(error as Error).message})` });
    return null;
  }
  const { width, height, format } = meta;
  if (!width || !height || !format) {
    report(imageFile, { severity: "error", code: "image-unreadable", message: "image has no dimensions" });
    return null;
  }
  if (width * height > IMPORT_LIMITS.maxImagePixels) {
    report(imageFile, { severity: "error", code: "image-too-many-pixels", message: `${width}x${height} is over the ${IMPORT_LIMITS.maxImagePixels}-pixel limit` });
    return null;
  }

  const boxes: AnnotatedBox[] = [];
  if (annotation && pair.annotationFile) {
    const declared = annotation.size;
    if (!declared) {
      report(pair.annotationFile, { severity: "info", code: "size-missing", message: `no <size>; using the image's ${width}x${height}` });
    } else if (declared.width !== width || declared.height !== height) {
      report(pair.annotationFile, { severity: "warning", code: "size-mismatch", message: `<size> says ${declared.width}x${declared.height} but the image is ${width}x${height}; using the image` });
    }
    annotation.objects.forEach((object, i) => {
      const { box, findings } = vocObjectToBox(object, { width, height }, classes, `object ${i + 1}`);
      for (const finding of findings) report(pair.annotationFile!, finding);
      if (box) boxes.push(box);
    });
  }

  const contentHash = await store.put(bytes);
  return {
    fileName: imageFile,
    contentHash,
    width,
    height,
    channels: meta.channels ?? 3,
    format,
    split: "unassigned",
    annotation: { labelStatus: annotation ? "labeled" : "unlabeled", boxes },
    vocExtra: annotation && Object.keys(annotation.extra).length > 0 ? annotation.extra : null,
  };
}

async function writeImport(
  database: Db,
  prepared: PreparedImage[],
  issues: ImportIssueRecord[],
  classes: string[],
  options: ImportOptions,
  dir: string,
): Promise<ImportSummary> {
  const summary = { imagesAdded: 0, imagesUnchanged: 0, imagesChanged: 0, imagesSkipped: 0, unlabeledAdded: 0, boxesAdded: 0 };
  const result = await database.$transaction(
    async (tx) => {
      const dataset = await tx.dataset.upsert({
        where: { name: options.name },
        create: { name: options.name, description: options.description ?? "", classes },
        update: {},
      });
      const existing = await tx.image.findMany({ where: { datasetId: dataset.id }, include: { boxes: true } });
      const byFile = new Map(existing.map((image) => [image.fileName, image]));
      const byHash = new Map(existing.map((image) => [image.contentHash, image.fileName]));

      for (const image of prepared) {
        const stored = byFile.get(image.fileName);
        if (stored) {
          const storedSet: AnnotationSet = { labelStatus: stored.labelStatus as AnnotationSet["labelStatus"], boxes: stored.boxes.map(toAnnotatedBox) };
          if (stored.contentHash === image.contentHash && sameAnnotationSet(storedSet, image.annotation)) {
            summary.imagesUnchanged++;
          } else {
            summary.imagesChanged++;
            issues.push({
              file: image.fileName,
              severity: "warning",
              code: "differs-from-stored",
              message: stored.contentHash === image.contentHash ? "labels differ from the stored ones; kept the stored labels (they may hold edits)" : "image content differs from the stored file of this name; kept the stored one",
            });
          }
          continue;
        }
        const twin = byHash.get(image.contentHash);
        if (twin) {
          summary.imagesSkipped++;
          issues.push({ file: image.fileName, severity: "warning", code: "duplicate-image", message: `same content as ${twin}, already in the dataset; skipped` });
          continue;
        }
        await tx.image.create({
          data: {
            datasetId: dataset.id,
            fileName: image.fileName,
            contentHash: image.contentHash,
            width: image.width,
            height: image.height,
            channels: image.channels,
            format: image.format,
            split: image.split,
            labelStatus: image.annotation.labelStatus,
            annotationVersion: 1,
            vocExtra: (image.vocExtra ?? undefined) as Prisma.InputJsonObject | undefined,
            boxes: {
              create: image.annotation.boxes.map((b) => toBoxCreate(b, "import")),
            },
            revisions: { create: { version: 1, action: "import", after: image.annotation as unknown as Prisma.InputJsonObject } },
          },
        });
        byHash.set(image.contentHash, image.fileName);
        summary.imagesAdded++;
        if (image.annotation.labelStatus === "unlabeled") summary.unlabeledAdded++;
        summary.boxesAdded += image.annotation.boxes.length;
      }

      const issueCounts = { error: 0, warning: 0, info: 0 };
      for (const issue of issues) issueCounts[issue.severity]++;
      const run = await tx.importRun.create({
        data: {
          datasetId: dataset.id,
          source: options.source ?? dir,
          status: "succeeded",
          finishedAt: new Date(),
          summary: { ...summary, issueCounts },
          issues: { createMany: { data: issues.map(({ file, severity, code, message }) => ({ file, severity, code, message })) } },
        },
      });
      return { datasetId: dataset.id, importRunId: run.id, issueCounts };
    },
    { timeout: 10 * 60_000, maxWait: 30_000 },
  );
  return { ...result, ...summary, issues };
}
