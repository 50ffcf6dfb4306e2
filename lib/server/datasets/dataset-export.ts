import { randomUUID } from "node:crypto";
import { once } from "node:events";
import { createReadStream, createWriteStream } from "node:fs";
import { mkdir, mkdtemp, open, rename, rm, stat, type FileHandle } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { PassThrough, Readable } from "node:stream";
import { finished, pipeline } from "node:stream/promises";
import { ZipFile } from "yazl";
import { datasetClassesColumn, imageVocExtraColumn } from "@/lib/contracts/stored/datasets";
import { parseStored } from "@/lib/contracts/stored/parse";
import { cocoAnnotation, cocoCategories, cocoImage, cocoImageIdAt, cocoInfo, type CocoAnnotation, type CocoImage } from "@/lib/domain/coco";
import { PACKAGING_EXTENSIONS, packagingOf, packagingRefusal, type ExportFormat, type ExportPackaging } from "@/lib/domain/export-formats";
import type { ImageFilter } from "@/lib/domain/image-filter";
import type { Split } from "@/lib/domain/states";
import { pixelBoxToVoc, serializeVoc, type VocAnnotation } from "@/lib/domain/voc";
import { yoloClassesTxt, yoloDataYaml, yoloLabelFile } from "@/lib/domain/yolo";
import type { Prisma } from "@/generated/prisma/client";
import { BOX_ORDER } from "../labels/annotations";
import { toAnnotatedBox } from "../labels/box-rows";
import { db as defaultDb, type Db } from "../platform/db";
import { imageWhere } from "./image-query";
import { DatasetNotFoundError } from "../platform/not-found";
import { blobStore, BlobNotFoundError, type BlobStore } from "../platform/storage";

/**
 * Dataset export as a zip (Pascal VOC, COCO or YOLO) or, for COCO, the JSON alone. Images are read
 * in keyset pages and one original file at a time, and every archive entry waits until the
 * consumer has room for it, so file bytes never pile up in memory however large the dataset or
 * slow the reader (what grows is the zip's central directory: about 1 KB per entry, ~100 MB for a
 * 50,000-image VOC export). Originals are copied byte for byte; only YOLO's normalised
 * coordinates are rounded (yolo.ts).
 */
const PAGE_SIZE = 200;
/** COCO JSON items buffered before one write to the spool file. */
const SPOOL_BATCH = 1_000;

/** The request cannot be exported as asked (e.g. a .json target for a format other than COCO). */
export class InvalidExportError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "InvalidExportError";
  }
}

/** The export started but could not finish; nothing is left at the target. */
export class ExportFailedError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "ExportFailedError";
  }
}

export interface ExportOptions {
  datasetId: string;
  format: ExportFormat;
  filter?: ImageFilter;
  /** "json": the annotations file alone, without images (the formats whose catalogue entry allows it) */
  packaging?: ExportPackaging;
  db?: Db;
  store?: BlobStore;
  /** timestamps inside the archive and COCO's date_created; defaults to now */
  exportedAt?: Date;
  onProgress?: (done: number, total: number) => void;
}

export interface ExportCounts {
  images: number;
  boxes: number;
}

export interface DatasetExportStream {
  /** suggested download name, e.g. "faces-voc-test.zip" */
  fileName: string;
  contentType: "application/zip" | "application/json";
  stream: Readable;
  /** images matching the filter when the export started */
  total: number;
  /** filled in while the stream is produced; final once it has ended */
  counts: ExportCounts;
  /** resolves once the export has stopped and removed its temporary files; never rejects (failures arrive through the stream) */
  settled: Promise<void>;
}

/**
 * Starts an export and returns its byte stream at once; unknown datasets and invalid requests
 * are rejected before any byte is produced. A failure later destroys the stream with the error;
 * destroying the stream (a client that went away) stops the export.
 */
export async function openDatasetExport(options: ExportOptions): Promise<DatasetExportStream> {
  const database = options.db ?? defaultDb();
  const packaging = options.packaging ?? "zip";
  const refusal = packagingRefusal(options.format, packaging);
  if (refusal) throw new InvalidExportError(refusal);
  const dataset = await database.dataset.findUnique({ where: { id: options.datasetId }, select: { id: true, name: true, classes: true } });
  if (!dataset) throw new DatasetNotFoundError(options.datasetId);
  const filter = options.filter ?? {};
  const where = imageWhere(options.datasetId, filter, database);
  const total = await database.image.count({ where });

  const exportedAt = options.exportedAt ?? new Date();
  const archive = packaging === "zip" ? new ZipArchive(exportedAt) : null;
  const output = archive?.output ?? new PassThrough();
  const context: WriterContext = {
    archive,
    output,
    store: options.store ?? blobStore(),
    datasetName: dataset.name,
    classes: parseStored(datasetClassesColumn, dataset.classes, dataset.id),
    exportedAt,
  };
  const counts: ExportCounts = { images: 0, boxes: 0 };
  const settled = produce(database, where, total, options, context, counts).catch((error: Error) => {
    output.destroy(error);
  });
  return {
    fileName: `${dataset.name}-${options.format}${filter.split ? `-${filter.split}` : ""}.${packaging}`,
    contentType: packaging === "zip" ? "application/zip" : "application/json",
    stream: output,
    total,
    counts,
    settled,
  };
}

/**
 * Exports to a file: written next to the target under a temporary name and renamed when
 * complete, so a failed export leaves nothing behind. The packaging follows the extension:
 * .zip, or .json for the annotations alone (COCO).
 */
export async function exportDataset(options: ExportOptions & { output: string }): Promise<ExportCounts & { bytes: number }> {
  const packaging = packagingOf(options.output);
  if (!packaging) throw new InvalidExportError(`the output must end in ${PACKAGING_EXTENSIONS}, not "${path.basename(options.output)}"`);
  const exported = await openDatasetExport({ ...options, packaging });
  const temp = `${options.output}.${randomUUID()}.tmp`;
  try {
    await mkdir(path.dirname(path.resolve(options.output)), { recursive: true });
    await pipeline(exported.stream, createWriteStream(temp));
    await rename(temp, options.output);
  } catch (error) {
    exported.stream.destroy();
    await rm(temp, { force: true });
    throw error;
  } finally {
    // A CLI exits right after: let the export remove its temporary files first.
    await exported.settled;
  }
  return { ...exported.counts, bytes: (await stat(options.output)).size };
}

/**
 * Attachment header for a download: an ASCII fallback name for old clients and the exact
 * UTF-8 name (RFC 6266 / 5987) for the rest.
 */
export function attachmentDisposition(fileName: string): string {
  const fallback = fileName.replace(/[^A-Za-z0-9._-]/g, "_");
  const encoded = encodeURIComponent(fileName).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}

/**
 * Gives every exported image a unique, safe file name: the original basename without control
 * characters, backslashes, characters Windows refuses, ".." or leading/trailing dots, then
 * "-2", "-3", … on clashes. Clashes are judged on the stem, case- and normalisation-
 * insensitively: the stem also names the XML or label file, and the importer and case-
 * insensitive file systems match stems that way. Deterministic for a given order of names.
 */
export class ExportNames {
  private readonly taken = new Set<string>();

  take(fileName: string): string {
    const base = fileName.split(/[/\\]/).pop() ?? "";
    const [, rawStem = "", extension = ""] = /^(.*?)(\.[A-Za-z0-9]{1,10})?$/.exec(base) ?? [];
    const stem =
      rawStem
        .replace(/[\u0000-\u001f\u007f-\u009f<>:"|?*]/g, "_")
        .replace(/\.{2,}/g, ".")
        .replace(/^[\s.]+|[\s.]+$/g, "") || "image";
    let candidate = stem;
    for (let n = 2; this.taken.has(stemKey(candidate)); n++) candidate = `${stem}-${n}`;
    this.taken.add(stemKey(candidate));
    return candidate + extension;
  }
}

function stemKey(stem: string): string {
  return stem.normalize("NFC").toLowerCase();
}

function stemOf(name: string): string {
  const dot = name.lastIndexOf(".");
  return dot > 0 ? name.slice(0, dot) : name;
}

const IMAGE_SELECT = {
  id: true,
  fileName: true,
  contentHash: true,
  width: true,
  height: true,
  channels: true,
  split: true,
  labelStatus: true,
  vocExtra: true,
  boxes: { orderBy: BOX_ORDER },
} as const satisfies Prisma.ImageSelect;

type ExportRow = Prisma.ImageGetPayload<{ select: typeof IMAGE_SELECT }>;

/** Keyset pages by file name (unique in a dataset): no offsets, so page 250 costs what page 1 does. */
async function* imagePages(database: Db, where: Prisma.ImageWhereInput): AsyncGenerator<ExportRow[]> {
  let after: string | null = null;
  for (;;) {
    const page: ExportRow[] = await database.image.findMany({
      where: after === null ? where : { AND: [where, { fileName: { gt: after } }] },
      orderBy: { fileName: "asc" },
      take: PAGE_SIZE,
      select: IMAGE_SELECT,
    });
    if (page.length > 0) yield page;
    if (page.length < PAGE_SIZE) return;
    after = page[page.length - 1]!.fileName;
  }
}

/** One image as an export writes it: the name it gets and its 0-based place in the export's order. */
interface ExportEntry {
  image: ExportRow;
  name: string;
  index: number;
}

/** The images an export of `where` writes, in its order, each under its unique exported name. */
async function* exportEntries(database: Db, where: Prisma.ImageWhereInput): AsyncGenerator<ExportEntry> {
  const names = new ExportNames();
  let index = 0;
  for await (const page of imagePages(database, where)) {
    for (const image of page) yield { image, name: names.take(image.fileName), index: index++ };
  }
}

/** An image of a COCO export as a results file made against it can name it. */
export interface CocoExportImage {
  /** the image's record id */
  id: string;
  cocoId: number;
  /** file_name in the export */
  exportedName: string;
  /** the name it was imported under */
  fileName: string;
  split: string;
}

/**
 * The COCO image ids and file names a COCO export of the dataset (or of the filtered images, e.g.
 * one split) gives, computed by the same walk the export makes: results files made against an
 * export name images by these ids. Unknown dataset: 404.
 */
export async function cocoExportImages(datasetId: string, filter: ImageFilter = {}, database: Db = defaultDb()): Promise<CocoExportImage[]> {
  const dataset = await database.dataset.findUnique({ where: { id: datasetId }, select: { id: true } });
  if (!dataset) throw new DatasetNotFoundError(datasetId);
  const images: CocoExportImage[] = [];
  for await (const { image, name, index } of exportEntries(database, imageWhere(datasetId, filter, database))) {
    images.push({ id: image.id, cocoId: cocoImageIdAt(index), exportedName: name, fileName: image.fileName, split: image.split });
  }
  return images;
}

async function produce(
  database: Db,
  where: Prisma.ImageWhereInput,
  total: number,
  options: ExportOptions,
  context: WriterContext,
  counts: ExportCounts,
): Promise<void> {
  let writer: FormatWriter | null = null;
  try {
    writer = await WRITERS[options.format](context);
    for await (const entry of exportEntries(database, where)) {
      await writer.add(entry);
      counts.images++;
      counts.boxes += entry.image.boxes.length;
      options.onProgress?.(counts.images, total);
    }
    await writer.finish();
    await context.archive?.end();
  } catch (error) {
    // Nobody awaits the producer: the error travels to the consumer through the stream.
    context.output.destroy(error as Error);
  } finally {
    await writer?.dispose?.();
  }
}

interface WriterContext {
  archive: ZipArchive | null;
  output: PassThrough;
  store: BlobStore;
  datasetName: string;
  classes: string[];
  exportedAt: Date;
}

interface FormatWriter {
  add(entry: ExportEntry): Promise<void>;
  finish(): Promise<void>;
  dispose?(): Promise<void>;
}

/** Each format of lib/domain/export-formats.ts and its writer. */
const WRITERS: Record<ExportFormat, (context: WriterContext) => Promise<FormatWriter>> = {
  voc: async (context) => vocWriter(context, requireArchive(context)),
  coco: cocoWriter,
  yolo: async (context) => yoloWriter(context, requireArchive(context)),
};

function requireArchive(context: WriterContext): ZipArchive {
  if (!context.archive) throw new InvalidExportError("this format is only exported as a zip");
  return context.archive;
}

async function readOriginal(store: BlobStore, image: ExportRow): Promise<Buffer> {
  try {
    return await store.get(image.contentHash);
  } catch (error) {
    if (error instanceof BlobNotFoundError) {
      throw new ExportFailedError(`the original file of ${image.fileName} is missing from storage (${image.contentHash})`, { cause: error });
    }
    throw error;
  }
}

/**
 * JPEGImages/<name>, Annotations/<stem>.xml, ImageSets/Main/<split>.txt. Unlabeled images get no
 * XML (the importer reads them back as unlabeled) unless they carry boxes, which are never
 * dropped; an image labeled as having no faces gets one with no objects. Unassigned images are
 * listed in no split file.
 */
function vocWriter(context: WriterContext, archive: ZipArchive): FormatWriter {
  const stemsBySplit = new Map<Split, string[]>();
  return {
    async add({ image, name }) {
      await archive.addFile(`JPEGImages/${name}`, await readOriginal(context.store, image));
      if (image.labelStatus !== "unlabeled" || image.boxes.length > 0) {
        await archive.addText(`Annotations/${stemOf(name)}.xml`, serializeVoc(vocAnnotation(image, name)));
      }
      const split = image.split as Split;
      if (split === "unassigned") return;
      const stems = stemsBySplit.get(split) ?? [];
      stems.push(stemOf(name));
      stemsBySplit.set(split, stems);
    },
    async finish() {
      for (const split of ["train", "val", "test"] as const) {
        const stems = stemsBySplit.get(split);
        if (stems) await archive.addText(`ImageSets/Main/${split}.txt`, stems.map((stem) => `${stem}\n`).join(""));
      }
    },
  };
}

function vocAnnotation(image: ExportRow, name: string): VocAnnotation {
  return {
    folder: "JPEGImages",
    filename: name,
    // VOC's depth counts colour channels: an alpha channel is not one, and readers expect 1 or 3.
    size: { width: image.width, height: image.height, depth: image.channels === 1 ? 1 : 3 },
    objects: image.boxes.map((row) => {
      const box = toAnnotatedBox(row);
      return {
        name: box.className,
        box: pixelBoxToVoc(box),
        difficult: box.difficult,
        truncated: box.truncated,
        occluded: box.occluded,
        pose: box.pose ?? undefined,
        extra: box.attributes ?? {},
      };
    }),
    extra: parseStored(imageVocExtraColumn, image.vocExtra, image.id) ?? {},
  };
}

/**
 * images/<name> + annotations.json, or the JSON alone. The image and annotation arrays are
 * spooled to temporary files as the pages go by and streamed out at the end, so a COCO file for
 * 50,000 images never sits in memory.
 */
async function cocoWriter(context: WriterContext): Promise<FormatWriter> {
  const spoolDir = await mkdtemp(path.join(os.tmpdir(), "masklab-coco-"));
  const images = await JsonArraySpool.create(path.join(spoolDir, "images.json"));
  const annotations = await JsonArraySpool.create(path.join(spoolDir, "annotations.json"));
  let annotationId = 0;
  return {
    async add({ image, name, index }) {
      if (context.archive) await context.archive.addFile(`images/${name}`, await readOriginal(context.store, image));
      const imageId = cocoImageIdAt(index);
      await images.push(cocoImage(imageId, { fileName: name, width: image.width, height: image.height, boxes: [] }));
      for (const row of image.boxes) await annotations.push(cocoAnnotation(++annotationId, imageId, toAnnotatedBox(row), context.classes));
    },
    async finish() {
      await images.close();
      await annotations.close();
      const head = `{"info":${JSON.stringify(cocoInfo(context.datasetName, context.exportedAt))},"licenses":[],"categories":${JSON.stringify(cocoCategories(context.classes))},"images":[`;
      const document = Readable.from(concatenate([head, { path: images.path }, `],"annotations":[`, { path: annotations.path }, "]}\n"]), { objectMode: false });
      if (context.archive) await context.archive.addStream("annotations.json", document);
      else await pipeline(document, context.output);
    },
    async dispose() {
      await images.close();
      await annotations.close();
      await rm(spoolDir, { recursive: true, force: true });
    },
  };
}

/** Strings as they are, file paths as their contents. */
async function* concatenate(parts: ({ path: string } | string)[]): AsyncGenerator<Buffer> {
  for (const part of parts) {
    if (typeof part === "string") yield Buffer.from(part);
    else for await (const chunk of createReadStream(part.path)) yield chunk as Buffer;
  }
}

/** A JSON array's items appended to a file in batches (the file holds them comma-separated, without brackets). */
class JsonArraySpool {
  private pending: string[] = [];
  private written = 0;
  private closed = false;

  private constructor(
    readonly path: string,
    private readonly handle: FileHandle,
  ) {}

  static async create(file: string): Promise<JsonArraySpool> {
    return new JsonArraySpool(file, await open(file, "w"));
  }

  async push(item: CocoImage | CocoAnnotation): Promise<void> {
    this.pending.push(JSON.stringify(item));
    if (this.pending.length >= SPOOL_BATCH) await this.flush();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      await this.flush();
    } finally {
      await this.handle.close();
    }
  }

  private async flush(): Promise<void> {
    if (this.pending.length === 0) return;
    const text = (this.written > 0 ? "," : "") + this.pending.join(",");
    this.written += this.pending.length;
    this.pending = [];
    await this.handle.write(text);
  }
}

/**
 * images/<split>/<name>, labels/<split>/<stem>.txt (empty for an image without boxes),
 * classes.txt and data.yaml.
 */
function yoloWriter(context: WriterContext, archive: ZipArchive): FormatWriter {
  const splits = new Set<Split>();
  return {
    async add({ image, name }) {
      const split = image.split as Split;
      splits.add(split);
      await archive.addFile(`images/${split}/${name}`, await readOriginal(context.store, image));
      await archive.addText(`labels/${split}/${stemOf(name)}.txt`, yoloLabelFile(image.boxes.map(toAnnotatedBox), context.classes, image));
    },
    async finish() {
      await archive.addText("classes.txt", yoloClassesTxt(context.classes));
      await archive.addText("data.yaml", yoloDataYaml({ datasetName: context.datasetName, classes: context.classes, splits }));
    },
  };
}

/** The consumer of the stream went away. */
class OutputClosedError extends Error {
  constructor() {
    super("the export's reader closed the stream");
    this.name = "OutputClosedError";
  }
}

/**
 * A zip written entry by entry. Each add resolves once yazl has started on the entry (so every
 * earlier entry is fully written) and the output is below its high-water mark: a slow reader
 * slows the export instead of filling memory.
 */
class ZipArchive {
  private readonly zip = new ZipFile();
  readonly output: PassThrough;
  private readonly closed: Promise<"closed">;

  constructor(private readonly mtime: Date) {
    // yazl's output is a PassThrough; its typings only promise a ReadableStream.
    this.output = this.zip.outputStream as PassThrough;
    this.closed = once(this.output, "close").then(
      () => "closed" as const,
      () => "closed" as const,
    );
    this.zip.on("error", (error: Error) => this.output.destroy(error));
  }

  /** Images are stored as they are: JPEG and PNG do not shrink, and the bytes stay identical. */
  addFile(name: string, bytes: Buffer): Promise<void> {
    return this.add(name, Readable.from([bytes], { objectMode: false }), { compress: false, size: bytes.length });
  }

  addText(name: string, text: string): Promise<void> {
    const bytes = Buffer.from(text);
    return this.add(name, Readable.from([bytes], { objectMode: false }), { size: bytes.length });
  }

  addStream(name: string, source: Readable): Promise<void> {
    return this.add(name, source, {});
  }

  /** Ends the archive and waits until the reader has taken every byte. */
  async end(): Promise<void> {
    this.zip.end();
    await finished(this.output);
  }

  private async add(name: string, source: Readable, options: { compress?: boolean; size?: number }): Promise<void> {
    // yazl keeps every entry's callback until the archive ends (for the central directory):
    // hand the source over and drop it, or each file's bytes would stay in memory.
    let pending: Readable | null = source;
    const started = new Promise<"started">((resolve) => {
      this.zip.addReadStreamLazy(name, { mtime: this.mtime, ...options }, (callback) => {
        callback(null, pending!);
        pending = null;
        resolve("started");
      });
    });
    if ((await Promise.race([started, this.closed])) === "closed") throw new OutputClosedError();
    if (this.output.writableNeedDrain) {
      const drained = once(this.output, "drain").then(() => "drained" as const);
      if ((await Promise.race([drained, this.closed])) === "closed") throw new OutputClosedError();
    }
  }
}
