import path from "node:path";
import { datasetClassesColumn, imageVocExtraColumn, importRunSummaryColumn } from "@/lib/contracts/stored/datasets";
import { revisionAfterColumn, revisionBeforeColumn } from "@/lib/contracts/stored/labels";
import { parseStored, toStoredJson } from "@/lib/contracts/stored/parse";
import { sameAnnotationSet, type AnnotatedBox, type AnnotationSet } from "@/lib/domain/annotation-set";
import { FACEMASK_CLASSES } from "@/lib/domain/classes";
import type { ImportProgressListener } from "@/lib/domain/import-progress";
import { stratifiedSplit } from "@/lib/domain/split";
import type { LabelStatus, Split } from "@/lib/domain/states";
import { vocObjectsToBoxes, type ClassMap, type ImportFinding } from "@/lib/domain/voc-boxes";
import { toAnnotatedBox, toBoxCreate } from "../labels/box-rows";
import { db as defaultDb, type Db } from "../platform/db";
import { DomainError } from "../platform/errors";
import { ImageProbeError, probeImage } from "../images/image-probe";
import { blobStore, type BlobStore } from "../platform/storage";
import { IMPORT_LIMITS, readVocFolder, type VocFolder } from "./voc-folder";
import { pairAnnotationsWithImages, readFolderFile, type ImagePair, type Report } from "./voc-pairs";

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
  /** how far verifying (image files) and importing (images) are: see lib/domain/import-progress.ts */
  onProgress?: ImportProgressListener;
  /** findings from before the folder existed (e.g. zip entries refused during upload) */
  priorFindings?: ImportIssueRecord[];
}

export interface ImportIssueRecord extends ImportFinding {
  /** path relative to the imported folder */
  file: string;
  /** the image (path relative to the folder) the finding concerns, when there is one */
  imageFile?: string;
}

/**
 * What one import run did. Every file the import looked at is counted once:
 *
 *   imagesFound      = imagesAdded + imagesUnchanged + imagesUpdated + imagesChanged + imagesSkipped
 *   annotationsFound = annotationsPaired + annotationsSkipped
 *
 * unlabeledAdded and duplicatesKept are parts of imagesAdded, not further outcomes. A paired
 * annotation file's labels follow its image's outcome. Files refused before the folder existed
 * (zip entries, uploaded files) are filesRefused; every skipped or refused file has a finding.
 */
export interface ImportSummary {
  datasetId: string;
  importRunId: string;
  /** image files in the folder */
  imagesFound: number;
  /** new images stored */
  imagesAdded: number;
  /** already stored with the same bytes and labels */
  imagesUnchanged: number;
  /** stored labels nobody had edited since their import, replaced by the file's (as a new revision) */
  imagesUpdated: number;
  /** stored with labels edited since import (or other bytes) that differ from the file's: reported, never overwritten */
  imagesChanged: number;
  /** not stored: rejected (empty, broken, too large, unreadable), or a copy of a stored picture that adds no labels */
  imagesSkipped: number;
  /** of imagesAdded: without labels (no annotation file, or it was rejected) */
  unlabeledAdded: number;
  /** of imagesAdded: the same bytes as another image but different labels, kept so no label is lost */
  duplicatesKept: number;
  /** .xml files in the folder */
  annotationsFound: number;
  /** matched with an image */
  annotationsPaired: number;
  /** unreadable, too large, undecodable, malformed, naming no image, or a second file for one image */
  annotationsSkipped: number;
  /** files refused before the import saw them (unsafe, too large or corrupt upload/zip entries) */
  filesRefused: number;
  boxesAdded: number;
  /** class names found in files that matched nothing, with their box counts: candidates for a mapping */
  unknownClasses: Record<string, number>;
  issues: ImportIssueRecord[];
  issueCounts: Record<ImportFinding["severity"], number>;
}

type Tally = Omit<ImportSummary, "datasetId" | "importRunId" | "unknownClasses" | "issues" | "issueCounts">;

/** Nothing could be imported: 422 with the findings (the first 500 in the answer; all of them here). */
export class ImportFailedError extends DomainError {
  readonly status = 422;

  constructor(
    message: string,
    readonly issues: ImportIssueRecord[],
  ) {
    super(message, { details: { issues: issues.slice(0, 500) } });
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
  /** its annotation file, when one was rejected: said instead of "no annotation file" */
  rejectedAnnotation: string | null;
}

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
  const prior = options.priorFindings ?? [];
  const issues: ImportIssueRecord[] = [...prior];
  const report: Report = (file, finding, imageFile) => issues.push({ file, ...finding, ...(imageFile ? { imageFile } : {}) });
  for (const { file, finding } of folder.findings) report(file, finding);

  const existingDataset = await database.dataset.findUnique({ where: { name: options.name } });
  const classes = existingDataset ? parseStored(datasetClassesColumn, existingDataset.classes, existingDataset.id) : [...(options.classes ?? FACEMASK_CLASSES)];

  const { pairs, annotationsSkipped } = await pairAnnotationsWithImages(folder, report);
  const tally: Tally = {
    imagesFound: folder.imageFiles.length,
    imagesAdded: 0,
    imagesUnchanged: 0,
    imagesUpdated: 0,
    imagesChanged: 0,
    imagesSkipped: 0,
    unlabeledAdded: 0,
    duplicatesKept: 0,
    annotationsFound: folder.annotationFiles.length,
    annotationsPaired: folder.annotationFiles.length - annotationsSkipped,
    annotationsSkipped,
    filesRefused: prior.filter((f) => f.severity === "error").length,
    boxesAdded: 0,
  };
  const prepared: PreparedImage[] = [];
  const unknownClasses: Record<string, number> = {};
  let done = 0;
  options.onProgress?.(0, pairs.length, "verifying");
  for (const pair of pairs) {
    const image = await prepareImage(folder, pair, classes, options.classMap ?? {}, store, report, unknownClasses);
    if (image) {
      const stem = path.parse(image.fileName).name;
      image.split = folder.splits.size > 0 ? (folder.splits.get(stem) ?? "unassigned") : null;
      prepared.push(image);
    } else {
      tally.imagesSkipped++;
    }
    options.onProgress?.(++done, pairs.length, "verifying");
  }
  if (prepared.length === 0) {
    throw new ImportFailedError(`nothing could be imported from ${dir}: ${issues.length} problem(s) found`, issues);
  }
  return writeImport(database, prepared, { issues, tally, unknownClasses, classes, listsSplits: folder.splits.size > 0 }, options, dir);
}

async function prepareImage(
  folder: VocFolder,
  pair: ImagePair,
  classes: readonly string[],
  classMap: ClassMap,
  store: BlobStore,
  report: Report,
  unknownClasses: Record<string, number>,
): Promise<PreparedImage | null> {
  const { imageFile, annotation, annotationFile } = pair;
  const rejectImage = () => {
    if (annotationFile) report(annotationFile, { severity: "error", code: "image-rejected", message: `its image ${imageFile} could not be imported` });
    return null;
  };
  const bytes = await readFolderFile(folder, imageFile, { maxBytes: IMPORT_LIMITS.maxImageBytes, code: "image-too-large", what: "an image" }, report);
  if (!bytes) return rejectImage();
  let probe;
  try {
    probe = await probeImage(bytes);
  } catch (error) {
    if (!(error instanceof ImageProbeError)) throw error;
    report(imageFile, { severity: "error", code: error.code, message: error.message });
    return rejectImage();
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
    if (pair.sizeProblem) {
      report(annotationFile, { severity: "warning", code: "size-invalid", message: `${pair.sizeProblem.message}; using the image's ${width}x${height}` }, imageFile);
    } else if (!declared) {
      report(annotationFile, { severity: "info", code: "size-missing", message: `no <size>; using the image's ${width}x${height}` }, imageFile);
    } else if (declared.width !== width || declared.height !== height) {
      report(annotationFile, { severity: "warning", code: "size-mismatch", message: `<size> says ${declared.width}x${declared.height} but the image is ${width}x${height}; using the image` }, imageFile);
    }
    const converted = vocObjectsToBoxes(annotation.objects, { width, height }, classes, classMap);
    for (const finding of converted.findings) report(annotationFile, finding, imageFile);
    for (const [name, count] of Object.entries(converted.unknownClasses)) unknownClasses[name] = (unknownClasses[name] ?? 0) + count;
    boxes.push(...converted.boxes);
  }

  const contentHash = await store.put(bytes);
  const thumbnailKey = await store.put(probe.thumbnail);
  const labelStatus: LabelStatus = annotation ? "labeled" : "unlabeled";
  // <path> is modelled for reading but stored with the other top-level tags, so export writes it back.
  const extra = annotation ? { ...(annotation.path !== undefined ? { path: annotation.path } : {}), ...annotation.extra } : {};
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
    vocExtra: Object.keys(extra).length > 0 ? extra : null,
    rejectedAnnotation: pair.rejectedAnnotation,
  };
}

/** Labels compared for duplicates: whether there are any, and the boxes (review states aside). */
function sameLabels(a: AnnotationSet, b: AnnotationSet): boolean {
  const boxesOnly = (set: AnnotationSet): AnnotationSet => ({ labelStatus: "labeled", boxes: set.boxes });
  return (a.labelStatus === "unlabeled") === (b.labelStatus === "unlabeled") && sameAnnotationSet(boxesOnly(a), boxesOnly(b));
}

/** An image of the dataset (stored before, or added by this run) that a copy is compared with. */
interface HashTwin {
  fileName: string;
  split: string;
  /** computed only when a copy arrives: most stored images never need it */
  labels: () => AnnotationSet;
  addedNow: boolean;
}

interface ImportState {
  issues: ImportIssueRecord[];
  tally: Tally;
  unknownClasses: Record<string, number>;
  classes: string[];
  /** whether the folder had ImageSets lists (then an image they do not list is reported) */
  listsSplits: boolean;
}

async function writeImport(database: Db, prepared: PreparedImage[], state: ImportState, options: ImportOptions, dir: string): Promise<ImportSummary> {
  const { issues, tally, unknownClasses, classes } = state;
  const result = await database.$transaction(
    async (tx) => {
      const dataset = await tx.dataset.upsert({
        where: { name: options.name },
        create: { name: options.name, description: options.description ?? "", classes: toStoredJson(datasetClassesColumn, classes) },
        update: {},
      });
      const existing = await tx.image.findMany({
        where: { datasetId: dataset.id },
        include: { boxes: true, revisions: { orderBy: { version: "desc" }, take: 1, select: { action: true } } },
      });
      const byFile = new Map(existing.map((image) => [image.fileName, image]));
      const byHash = new Map<string, HashTwin[]>();
      const addTwin = (hash: string, twin: HashTwin) => byHash.set(hash, [...(byHash.get(hash) ?? []), twin]);
      for (const image of existing) {
        const labels = () => ({ labelStatus: image.labelStatus as LabelStatus, boxes: image.boxes.map(toAnnotatedBox) });
        addTwin(image.contentHash, { fileName: image.fileName, split: image.split, labels, addedNow: false });
      }
      const imageIds = new Map(existing.map((image) => [image.fileName, image.id]));

      // Only the first image of each picture is split by stratification; a kept copy joins its
      // twin's split, so one picture never sits on both sides of a train/test boundary.
      const firstOfHash = new Set<string>();
      const fresh = prepared.filter((image) => {
        if (byFile.has(image.fileName) || byHash.has(image.contentHash) || firstOfHash.has(image.contentHash)) return false;
        firstOfHash.add(image.contentHash);
        return image.split === null;
      });
      const splits = stratifiedSplit(
        fresh.map((image) => ({ key: image.fileName, classes: image.annotation.boxes.map((b) => b.className) })),
        SPLIT_SEED,
      );

      for (const [index, image] of prepared.entries()) {
        options.onProgress?.(index, prepared.length, "importing");
        const stored = byFile.get(image.fileName);
        if (stored) {
          const storedSet: AnnotationSet = { labelStatus: stored.labelStatus as LabelStatus, boxes: stored.boxes.map(toAnnotatedBox) };
          if (stored.contentHash === image.contentHash && sameAnnotationSet(storedSet, image.annotation)) {
            tally.imagesUnchanged++;
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
                    before: toStoredJson(revisionBeforeColumn, storedSet),
                    after: toStoredJson(revisionAfterColumn, image.annotation),
                  },
                },
              },
            });
            tally.imagesUpdated++;
            tally.boxesAdded += image.annotation.boxes.length;
          } else {
            tally.imagesChanged++;
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

        let split: string = image.split ?? splits.get(image.fileName) ?? "unassigned";
        const twins = byHash.get(image.contentHash) ?? [];
        if (twins.length > 0) {
          const verdict = judgeCopy(image, twins);
          if (verdict.skip) {
            tally.imagesSkipped++;
            issues.push({ file: image.fileName, imageFile: verdict.twin.fileName, severity: "warning", code: "duplicate-image", message: verdict.message });
            continue;
          }
          if (image.split === null) split = verdict.twin.split;
          tally.duplicatesKept++;
          issues.push(...keptCopyFindings(image.fileName, verdict.twin, split));
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
            split,
            labelStatus: image.annotation.labelStatus,
            boxCount: image.annotation.boxes.length,
            annotationVersion: 1,
            vocExtra: image.vocExtra ? toStoredJson(imageVocExtraColumn, image.vocExtra) : undefined,
            boxes: { create: image.annotation.boxes.map((b) => toBoxCreate(b, "import")) },
            revisions: { create: { version: 1, action: "import", after: toStoredJson(revisionAfterColumn, image.annotation) } },
          },
          select: { id: true },
        });
        imageIds.set(image.fileName, created.id);
        addTwin(image.contentHash, { fileName: image.fileName, split, labels: () => image.annotation, addedNow: true });
        tally.imagesAdded++;
        tally.boxesAdded += image.annotation.boxes.length;
        if (image.annotation.labelStatus === "unlabeled") {
          tally.unlabeledAdded++;
          issues.push(
            image.rejectedAnnotation
              ? { file: image.fileName, imageFile: image.fileName, severity: "warning", code: "annotation-rejected", message: `its annotation file ${image.rejectedAnnotation} was rejected (see that file's finding); imported without labels` }
              : { file: image.fileName, imageFile: image.fileName, severity: "info", code: "image-unlabeled", message: "no annotation file; imported as unlabeled" },
          );
        }
        if (state.listsSplits && image.split === "unassigned") {
          issues.push({ file: image.fileName, imageFile: image.fileName, severity: "info", code: "split-unlisted", message: "not in any ImageSets/Main list; split left unassigned" });
        }
      }

      options.onProgress?.(prepared.length, prepared.length, "importing");
      const issueCounts = { error: 0, warning: 0, info: 0 };
      for (const issue of issues) issueCounts[issue.severity]++;
      const run = await tx.importRun.create({
        data: {
          datasetId: dataset.id,
          source: options.source ?? dir,
          status: "succeeded",
          finishedAt: new Date(),
          summary: toStoredJson(importRunSummaryColumn, { ...tally, issueCounts, unknownClasses }),
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
  return { ...result, ...tally, unknownClasses, issues };
}

/** Both images of a kept copy are flagged, so the image browser's finding filter shows the pair. */
function keptCopyFindings(copy: string, twin: HashTwin, split: string): ImportIssueRecord[] {
  const where = twin.addedNow ? "" : " (already in the dataset)";
  const placed = split === twin.split ? "in the same split" : `in the ${split} split its ImageSets list gives (${twin.fileName} is in ${twin.split})`;
  const code = "duplicate-image-labels-differ";
  return [
    {
      file: copy,
      imageFile: copy,
      severity: "warning",
      code,
      message: `same picture as ${twin.fileName}${where} but with different labels: imported as its own image, ${placed}, so no label is lost; review the two and delete one`,
    },
    { file: twin.fileName, imageFile: twin.fileName, severity: "warning", code, message: `same picture as ${copy}, which has different labels and was imported beside this one; review the two` },
  ];
}

/**
 * A picture already in the dataset (or added earlier in this run) arrives again. A copy that
 * adds no labels (it has none, or the same as a stored twin) is skipped; a copy with other
 * labels is kept, so neither set of labels is lost.
 */
function judgeCopy(image: PreparedImage, twins: HashTwin[]): { skip: boolean; twin: HashTwin; message: string } {
  const same = twins.find((t) => sameLabels(t.labels(), image.annotation));
  const twin = same ?? twins[0]!;
  const where = twin.addedNow ? "" : ", already in the dataset";
  if (same) {
    const what = image.annotation.labelStatus === "unlabeled" ? "both without labels" : "with the same labels";
    return { skip: true, twin, message: `same picture as ${twin.fileName}${where}, ${what}; skipped` };
  }
  if (image.annotation.labelStatus === "unlabeled") {
    const why = image.rejectedAnnotation ? `its annotation file ${image.rejectedAnnotation} was rejected` : "it has no labels of its own";
    return { skip: true, twin, message: `same picture as ${twin.fileName}${where}; ${why}, so nothing is lost by skipping it` };
  }
  return { skip: false, twin, message: "" };
}
