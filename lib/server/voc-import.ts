import { readFile, stat } from "node:fs/promises";
import path from "node:path";
import { sameAnnotationSet, type AnnotatedBox, type AnnotationSet } from "@/lib/domain/annotation-set";
import { FACEMASK_CLASSES } from "@/lib/domain/classes";
import { stratifiedSplit } from "@/lib/domain/split";
import type { LabelStatus, Split } from "@/lib/domain/states";
import { parseVoc, type VocAnnotation } from "@/lib/domain/voc";
import { vocObjectToBox, type ClassMap, type ImportFinding } from "@/lib/domain/voc-boxes";
import type { Prisma } from "@/generated/prisma/client";
import { toAnnotatedBox, toBoxCreate } from "./box-rows";
import { db as defaultDb, type Db } from "./db";
import { IMAGE_LIMITS, ImageProbeError, probeImage } from "./image-probe";
import { blobStore, type BlobStore } from "./storage";
import { readVocFolder } from "./voc-folder";

/** Limits read before parsing or decoding anything, so hostile files cost nothing. */
export const IMPORT_LIMITS = {
  maxAnnotationBytes: 2 * 1024 * 1024,
  maxImageBytes: IMAGE_LIMITS.maxBytes,
  maxImagePixels: IMAGE_LIMITS.maxPixels,
} as const;

const EXTENSION_FORMAT: Record<string, string> = { jpg: "jpeg", jpe: "jpeg", tif: "tiff" };

/** Seed of the stratified split given to images that arrive without ImageSets lists. */
export const SPLIT_SEED = 20261122;

export interface ImportOptions {
  name: string;
  description?: string;
  /** where the files came from, shown with the import run */
  source?: string;
  /** class catalogue for a new dataset; an existing dataset keeps its own */
  classes?: readonly string[];
  /** class names in the files → catalogue names */
  classMap?: ClassMap;
  db?: Db;
  store?: BlobStore;
  onProgress?: (done: number, total: number) => void;
  /** findings from before the folder existed (e.g. zip entries refused during upload) */
  priorFindings?: ImportIssueRecord[];
}

export interface ImportIssueRecord extends ImportFinding {
  /** path relative to the imported folder */
  file: string;
  /** the image (path relative to the folder) the finding concerns, when there is one */
  imageFile?: string;
}

export interface ImportSummary {
  datasetId: string;
  importRunId: string;
  imagesAdded: number;
  imagesUnchanged: number;
  /** stored labels nobody had edited since their import, replaced by the file's (as a new revision) */
  imagesUpdated: number;
  /** stored with labels edited since import that differ from the file's: reported, never overwritten */
  imagesChanged: number;
  imagesSkipped: number;
  unlabeledAdded: number;
  boxesAdded: number;
  /** class names found in files that matched nothing, with their box counts: candidates for a mapping */
  unknownClasses: Record<string, number>;
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
  thumbnailKey: string;
  width: number;
  height: number;
  channels: number;
  format: string;
  colorSpace: string;
  bitsPerSample: number;
  hasAlpha: boolean;
  /** null: the folder did not say, the stratified split decides */
  split: Split | null;
  annotation: AnnotationSet;
  vocExtra: Record<string, unknown> | null;
}

interface ImagePair {
  imageFile: string;
  annotationFile: string | null;
  annotation: VocAnnotation | null;
}

type Report = (file: string, finding: ImportFinding, imageFile?: string) => void;

/**
 * Imports a Pascal VOC folder into a dataset (created when new). Files are verified and stored
 * first, one at a time (memory stays flat however large the folder); the database is then
 * changed in one transaction, so a failed import leaves it as it was. Re-importing is
 * idempotent: unchanged images are skipped; labels nobody edited since import follow the file (as
 * a new revision); labels edited since are reported, never overwritten.
 */
export async function importVocFolder(dir: string, options: ImportOptions): Promise<ImportSummary> {
  const database = options.db ?? defaultDb();
  const store = options.store ?? blobStore();
  const folder = await readVocFolder(dir);
  const issues: ImportIssueRecord[] = [...(options.priorFindings ?? [])];
  const report: Report = (file, finding, imageFile) => issues.push({ file, ...finding, ...(imageFile ? { imageFile } : {}) });

  const existingDataset = await database.dataset.findUnique({ where: { name: options.name } });
  const classes = existingDataset ? (existingDataset.classes as string[]) : [...(options.classes ?? FACEMASK_CLASSES)];

  const pairs = await pairAnnotationsWithImages(folder.root, folder.annotationFiles, folder.imageFiles, report);
  const prepared: PreparedImage[] = [];
  const seenHashes = new Map<string, string>();
  const unknownClasses: Record<string, number> = {};
  let done = 0;
  for (const pair of pairs) {
    const image = await prepareImage(folder.root, pair, classes, options.classMap ?? {}, store, report, unknownClasses);
    if (image) {
      const firstFile = seenHashes.get(image.contentHash);
      if (firstFile) {
        report(image.fileName, { severity: "warning", code: "duplicate-image", message: `same content as ${firstFile}; skipped` }, firstFile);
      } else {
        seenHashes.set(image.contentHash, image.fileName);
        const stem = path.parse(image.fileName).name;
        image.split = folder.splits.size > 0 ? (folder.splits.get(stem) ?? "unassigned") : null;
        if (folder.splits.size > 0 && !folder.splits.has(stem)) {
          report(image.fileName, { severity: "info", code: "split-unlisted", message: "not in any ImageSets/Main list; split left unassigned" }, image.fileName);
        }
        prepared.push(image);
        if (!pair.annotation) report(image.fileName, { severity: "info", code: "image-unlabeled", message: "no annotation file; imported as unlabeled" }, image.fileName);
      }
    }
    options.onProgress?.(++done, pairs.length);
  }
  if (prepared.length === 0) {
    throw new ImportFailedError(`nothing could be imported from ${dir}: ${issues.length} problem(s) found`, issues);
  }
  return writeImport(database, prepared, issues, unknownClasses, classes, options, dir);
}

async function pairAnnotationsWithImages(root: string, annotationFiles: string[], imageFiles: string[], report: Report): Promise<ImagePair[]> {
  const byName = new Map(imageFiles.map((f) => [path.basename(f).toLowerCase(), f]));
  const byStem = new Map<string, string>();
  for (const file of imageFiles) {
    const stem = path.parse(file).name.toLowerCase();
    const twin = byStem.get(stem);
    if (twin) {
      report(file, { severity: "warning", code: "duplicate-file", message: `shares its name with ${twin}; an annotation file can only name one of them` });
    } else {
      byStem.set(stem, file);
    }
  }
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
      report(annotationFile, { severity: "warning", code: "duplicate-annotation", message: `${imageFile} is already labelled by ${pairs.get(imageFile)!.annotationFile}; ignored` }, imageFile);
      continue;
    }
    for (const problem of parsed.problems) {
      report(annotationFile, { severity: "error", code: "xml-object-invalid", message: `${problem.message}; skipped` }, imageFile);
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
  classMap: ClassMap,
  store: BlobStore,
  report: Report,
  unknownClasses: Record<string, number>,
): Promise<PreparedImage | null> {
  const { imageFile, annotation, annotationFile } = pair;
  const fullPath = path.join(root, imageFile);
  const size = (await stat(fullPath)).size;
  if (size > IMPORT_LIMITS.maxImageBytes) {
    report(imageFile, { severity: "error", code: "image-too-large", message: `${size} bytes is over the ${IMPORT_LIMITS.maxImageBytes}-byte limit` });
    return null;
  }
  const bytes = await readFile(fullPath);
  let probe;
  try {
    probe = await probeImage(bytes);
  } catch (error) {
    if (!(error instanceof ImageProbeError)) throw error;
    report(imageFile, { severity: "error", code: error.code, message: error.message });
    if (annotationFile) report(annotationFile, { severity: "error", code: "image-rejected", message: `its image ${imageFile} could not be imported` });
    return null;
  }
  const { width, height } = probe;
  const extension = path.extname(imageFile).slice(1).toLowerCase();
  if ((EXTENSION_FORMAT[extension] ?? extension) !== probe.format) {
    report(imageFile, { severity: "warning", code: "image-extension-mismatch", message: `the file is ${probe.format} although its name says .${path.extname(imageFile).slice(1)}` }, imageFile);
  }
  if (probe.hasAlpha || probe.colorSpace !== "srgb" || probe.bitsPerSample !== 8) {
    const traits = [probe.hasAlpha && "an alpha channel", probe.colorSpace !== "srgb" && `colour space ${probe.colorSpace}`, probe.bitsPerSample !== 8 && `${probe.bitsPerSample}-bit samples`].filter(Boolean);
    report(imageFile, { severity: "info", code: "image-normalised", message: `has ${traits.join(", ")}; training reads it as 8-bit RGB (on white), the original file is kept` }, imageFile);
  }

  const boxes: AnnotatedBox[] = [];
  if (annotation && annotationFile) {
    const declared = annotation.size;
    if (!declared) {
      report(annotationFile, { severity: "info", code: "size-missing", message: `no <size>; using the image's ${width}x${height}` }, imageFile);
    } else if (declared.width !== width || declared.height !== height) {
      report(annotationFile, { severity: "warning", code: "size-mismatch", message: `<size> says ${declared.width}x${declared.height} but the image is ${width}x${height}; using the image` }, imageFile);
    }
    annotation.objects.forEach((object, i) => {
      const { box, findings } = vocObjectToBox(object, { width, height }, classes, `object ${i + 1}`, classMap);
      for (const finding of findings) {
        report(annotationFile, finding, imageFile);
        if (finding.code === "unknown-class") unknownClasses[object.name] = (unknownClasses[object.name] ?? 0) + 1;
      }
      if (box) boxes.push(box);
    });
  }

  const contentHash = await store.put(bytes);
  const thumbnailKey = await store.put(probe.thumbnail);
  const labelStatus: LabelStatus = annotation ? "labeled" : "unlabeled";
  return {
    fileName: imageFile,
    contentHash,
    thumbnailKey,
    width,
    height,
    channels: probe.channels,
    format: probe.format,
    colorSpace: probe.colorSpace,
    bitsPerSample: probe.bitsPerSample,
    hasAlpha: probe.hasAlpha,
    split: null,
    annotation: { labelStatus, boxes },
    vocExtra: annotation && Object.keys(annotation.extra).length > 0 ? annotation.extra : null,
  };
}

async function writeImport(
  database: Db,
  prepared: PreparedImage[],
  issues: ImportIssueRecord[],
  unknownClasses: Record<string, number>,
  classes: string[],
  options: ImportOptions,
  dir: string,
): Promise<ImportSummary> {
  const summary = { imagesAdded: 0, imagesUnchanged: 0, imagesUpdated: 0, imagesChanged: 0, imagesSkipped: 0, unlabeledAdded: 0, boxesAdded: 0 };
  const result = await database.$transaction(
    async (tx) => {
      const dataset = await tx.dataset.upsert({
        where: { name: options.name },
        create: { name: options.name, description: options.description ?? "", classes },
        update: {},
      });
      const existing = await tx.image.findMany({
        where: { datasetId: dataset.id },
        include: { boxes: true, revisions: { orderBy: { version: "desc" }, take: 1, select: { action: true } } },
      });
      const byFile = new Map(existing.map((image) => [image.fileName, image]));
      const byHash = new Map(existing.map((image) => [image.contentHash, image.fileName]));
      const imageIds = new Map<string, string>();

      const fresh = prepared.filter((image) => !byFile.has(image.fileName) && !byHash.has(image.contentHash));
      const splits = stratifiedSplit(
        fresh.filter((image) => image.split === null).map((image) => ({ key: image.fileName, classes: image.annotation.boxes.map((b) => b.className) })),
        SPLIT_SEED,
      );

      for (const image of prepared) {
        const stored = byFile.get(image.fileName);
        if (stored) {
          imageIds.set(image.fileName, stored.id);
          const storedSet: AnnotationSet = { labelStatus: stored.labelStatus as LabelStatus, boxes: stored.boxes.map(toAnnotatedBox) };
          if (stored.contentHash === image.contentHash && sameAnnotationSet(storedSet, image.annotation)) {
            summary.imagesUnchanged++;
          } else if (stored.contentHash === image.contentHash && stored.revisions[0]?.action === "import") {
            // Nobody has edited these labels since they were imported: take the new file's
            // labels, as a new revision (the old ones stay restorable).
            await tx.box.deleteMany({ where: { imageId: stored.id } });
            await tx.image.update({
              where: { id: stored.id },
              data: {
                labelStatus: image.annotation.labelStatus,
                boxCount: image.annotation.boxes.length,
                annotationVersion: stored.annotationVersion + 1,
                boxes: { create: image.annotation.boxes.map((b) => toBoxCreate(b, "import")) },
                revisions: {
                  create: {
                    version: stored.annotationVersion + 1,
                    action: "import",
                    before: storedSet as unknown as Prisma.InputJsonObject,
                    after: image.annotation as unknown as Prisma.InputJsonObject,
                  },
                },
              },
            });
            summary.imagesUpdated++;
            summary.boxesAdded += image.annotation.boxes.length;
          } else {
            summary.imagesChanged++;
            issues.push({
              file: image.fileName,
              imageFile: image.fileName,
              severity: "warning",
              code: "differs-from-stored",
              message:
                stored.contentHash === image.contentHash
                  ? "labels differ from the stored ones, which were edited after import; kept the stored labels"
                  : "image content differs from the stored file of this name; kept the stored one",
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
        const created = await tx.image.create({
          data: {
            datasetId: dataset.id,
            fileName: image.fileName,
            contentHash: image.contentHash,
            thumbnailKey: image.thumbnailKey,
            width: image.width,
            height: image.height,
            channels: image.channels,
            format: image.format,
            colorSpace: image.colorSpace,
            bitsPerSample: image.bitsPerSample,
            hasAlpha: image.hasAlpha,
            split: image.split ?? splits.get(image.fileName) ?? "unassigned",
            labelStatus: image.annotation.labelStatus,
            boxCount: image.annotation.boxes.length,
            annotationVersion: 1,
            vocExtra: (image.vocExtra ?? undefined) as Prisma.InputJsonObject | undefined,
            boxes: { create: image.annotation.boxes.map((b) => toBoxCreate(b, "import")) },
            revisions: { create: { version: 1, action: "import", after: image.annotation as unknown as Prisma.InputJsonObject } },
          },
          select: { id: true },
        });
        imageIds.set(image.fileName, created.id);
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
          summary: { ...summary, issueCounts, unknownClasses },
        },
        select: { id: true },
      });
      await tx.importIssue.createMany({
        data: issues.map(({ file, severity, code, message, imageFile }) => ({
          importRunId: run.id,
          file,
          severity,
          code,
          message,
          imageId: imageFile ? (imageIds.get(imageFile) ?? null) : null,
        })),
      });
      return { datasetId: dataset.id, importRunId: run.id, issueCounts };
    },
    { timeout: 10 * 60_000, maxWait: 30_000 },
  );
  return { ...result, ...summary, unknownClasses, issues };
}
