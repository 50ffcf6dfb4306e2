import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import sharp from "sharp";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import yauzl from "yauzl";
import { canonicalAnnotationSet } from "@/lib/domain/annotation-set";
import { buildCocoDataset, type CocoDataset } from "@/lib/domain/coco";
import type { LabelStatus } from "@/lib/domain/states";
import { parseVoc } from "@/lib/domain/voc";
import { toAnnotatedBox } from "../labels/box-rows";
import {
  attachmentDisposition,
  ExportFailedError,
  exportDataset,
  ExportNames,
  InvalidExportError,
  openDatasetExport,
} from "./dataset-export";
import { DatasetNotFoundError } from "../platform/not-found";
import { BOX_ORDER } from "../labels/annotations";
import { writeSampleDataset } from "./sample-dataset";
import { createTestEnv, type TestEnv } from "../testing/test-env";
import { importVocFolder } from "./voc-import";

let env: TestEnv;
let work: string;
beforeEach(async () => {
  env = await createTestEnv();
  work = await mkdtemp(path.join(os.tmpdir(), "masklab-export-"));
});
afterEach(async () => {
  await env.cleanup();
  await rm(work, { recursive: true, force: true });
});

const exportedAt = new Date("2026-03-01T12:00:00.000Z");

/** Every entry of a zip, read with yauzl (which also refuses unsafe entry names). */
function readZip(file: string): Promise<Map<string, Buffer>> {
  return new Promise((resolve, reject) => {
    yauzl.open(file, { lazyEntries: true }, (error, zip) => {
      if (error) return reject(error);
      const entries = new Map<string, Buffer>();
      zip.on("error", reject);
      zip.on("end", () => resolve(entries));
      zip.on("entry", (entry: yauzl.Entry) => {
        zip.openReadStream(entry, async (streamError, stream) => {
          if (streamError) return reject(streamError);
          const chunks: Buffer[] = [];
          for await (const chunk of stream) chunks.push(chunk as Buffer);
          entries.set(entry.fileName, Buffer.concat(chunks));
          zip.readEntry();
        });
      });
      zip.readEntry();
    });
  });
}

async function extractZip(file: string, dir: string): Promise<Map<string, Buffer>> {
  const entries = await readZip(file);
  for (const [name, bytes] of entries) {
    await mkdir(path.dirname(path.join(dir, name)), { recursive: true });
    await writeFile(path.join(dir, name), bytes);
  }
  return entries;
}

function expectSafeEntryNames(names: Iterable<string>): void {
  for (const name of names) {
    expect(name, name).not.toMatch(/\.\.|^\/|\\|[\u0000-\u001f\u007f]/);
  }
}

/** Everything an export must carry, per image stem. */
async function snapshot(datasetId: string) {
  const images = await env.db.image.findMany({ where: { datasetId }, include: { boxes: true }, orderBy: { fileName: "asc" } });
  return Object.fromEntries(
    images.map((image) => [
      path.parse(image.fileName).name,
      {
        contentHash: image.contentHash,
        split: image.split,
        labelStatus: image.labelStatus,
        vocExtra: image.vocExtra,
        boxes: canonicalAnnotationSet({ labelStatus: image.labelStatus as LabelStatus, boxes: image.boxes.map(toAnnotatedBox) }).boxes,
      },
    ]),
  );
}

const png = (width: number, height: number, red: number) => sharp({ create: { width, height, channels: 3, background: { r: red, g: 120, b: 90 } } }).png().toBuffer();

const object = (name: string, [xmin, ymin, xmax, ymax]: number[], inner = "") =>
  `<object><name>${name}</name>${inner}<bndbox><xmin>${xmin}</xmin><ymin>${ymin}</ymin><xmax>${xmax}</xmax><ymax>${ymax}</ymax></bndbox></object>`;

/**
 * A small VOC folder with the cases exports get wrong: a box one pixel past the border (VOC's
 * xmax == width + 1), fractional coordinates, extra object and top-level tags, flags, a Unicode
 * name with spaces, a grayscale image, an image labeled as empty and an unlabeled one.
 */
async function writeMessyFolder(dir: string): Promise<void> {
  for (const sub of ["JPEGImages", "Annotations", "ImageSets/Main"]) await mkdir(path.join(dir, sub), { recursive: true });
  const image = async (name: string, bytes: Promise<Buffer>) => writeFile(path.join(dir, "JPEGImages", name), await bytes);
  const xml = (stem: string, body: string) => writeFile(path.join(dir, "Annotations", `${stem}.xml`), `<annotation><filename>${stem}.png</filename>${body}</annotation>`);

  await image("clipped.png", png(100, 80, 10));
  await xml(
    "clipped",
    "<path>C:\\labelling\\clipped.png</path><size><width>100</width><height>80</height><depth>3</depth></size><segmented>0</segmented><source><database>Kaggle</database></source>" +
      object(
        "with_mask",
        [11.5, 20, 101, 60],
        "<pose>Left</pose><truncated>1</truncated><occluded>1</occluded><difficult>1</difficult><attributes><attribute><name>glasses</name><value>yes</value></attribute></attributes>",
      ) +
      object("without_mask", [1, 1, 10, 10], "<difficult>0</difficult>"),
  );
  await image("café mask 1.png", png(64, 48, 60));
  await xml("café mask 1", object("mask_weared_incorrect", [5, 6, 30.25, 40]));
  await image("gray.jpg", sharp({ create: { width: 40, height: 30, channels: 3, background: { r: 90, g: 90, b: 90 } } }).toColourspace("b-w").jpeg().toBuffer());
  await writeFile(path.join(dir, "Annotations", "gray.xml"), `<annotation><filename>gray.jpg</filename>${object("with_mask", [2, 2, 20, 20])}</annotation>`);
  await image("empty.png", png(50, 50, 150));
  await xml("empty", "<size><width>50</width><height>50</height></size>");
  await image("unlabeled.png", png(30, 20, 200));
  // The stem with spaces stays off the lists: ImageSets lines are split on whitespace on import.
  await writeFile(path.join(dir, "ImageSets/Main/train.txt"), "clipped\nunlabeled\n");
  await writeFile(path.join(dir, "ImageSets/Main/val.txt"), "gray\n");
  await writeFile(path.join(dir, "ImageSets/Main/test.txt"), "empty\n");
}

async function importMessy(): Promise<string> {
  const dir = path.join(work, "messy");
  await writeMessyFolder(dir);
  return (await importVocFolder(dir, { name: "messy", db: env.db, store: env.store })).datasetId;
}

async function importSample(): Promise<string> {
  const dir = path.join(work, "sample");
  await writeSampleDataset(dir, { count: 12, seed: 3 });
  return (await importVocFolder(dir, { name: "sample", db: env.db, store: env.store })).datasetId;
}

describe("VOC export", () => {
  it("round-trips the sample dataset: re-importing the zip gives the same boxes, flags, splits and files", async () => {
    const datasetId = await importSample();
    const zip = path.join(work, "sample-voc.zip");
    const result = await exportDataset({ db: env.db, store: env.store, datasetId, format: "voc", output: zip });
    expect(result.images).toBe(12);
    expect(result.boxes).toBe(await env.db.box.count());
    expect(result.bytes).toBeGreaterThan(0);

    const copyDir = path.join(work, "copy");
    const entries = await extractZip(zip, copyDir);
    expectSafeEntryNames(entries.keys());
    const copy = await importVocFolder(copyDir, { name: "copy", db: env.db, store: env.store });
    expect(copy.imagesAdded).toBe(12);
    expect(copy.issues.filter((issue) => issue.severity !== "info")).toEqual([]);

    const [before, after] = [await snapshot(datasetId), await snapshot(copy.datasetId)];
    expect(Object.keys(after)).toHaveLength(12);
    expect(after).toEqual(before);
  });

  it("round-trips the messy cases unchanged", async () => {
    const datasetId = await importMessy();
    const before = await snapshot(datasetId);
    expect(before.clipped!.boxes).toContainEqual(expect.objectContaining({ className: "with_mask", xmin: 10.5, ymin: 19, xmax: 100, ymax: 60, difficult: true, occluded: true, pose: "Left" }));
    expect(before["café mask 1"]!.boxes).toEqual([expect.objectContaining({ xmin: 4, xmax: 30.25 })]);
    expect(before.unlabeled).toMatchObject({ labelStatus: "unlabeled", boxes: [] });
    expect(before.empty).toMatchObject({ labelStatus: "labeled", boxes: [] });

    const zip = path.join(work, "messy.zip");
    await exportDataset({ db: env.db, store: env.store, datasetId, format: "voc", output: zip, exportedAt });
    const copyDir = path.join(work, "copy");
    const entries = await extractZip(zip, copyDir);
    expect([...entries.keys()].sort()).toEqual(
      [
        "Annotations/café mask 1.xml",
        "Annotations/clipped.xml",
        "Annotations/empty.xml",
        "Annotations/gray.xml",
        "ImageSets/Main/test.txt",
        "ImageSets/Main/train.txt",
        "ImageSets/Main/val.txt",
        "JPEGImages/café mask 1.png",
        "JPEGImages/clipped.png",
        "JPEGImages/empty.png",
        "JPEGImages/gray.jpg",
        "JPEGImages/unlabeled.png",
      ].sort(),
    );
    expect(entries.get("ImageSets/Main/train.txt")!.toString()).toBe("clipped\nunlabeled\n");
    expect(entries.get("JPEGImages/clipped.png")).toEqual(await readFile(path.join(work, "messy/JPEGImages/clipped.png")));

    const clipped = parseVoc(entries.get("Annotations/clipped.xml")!.toString());
    if (!clipped.ok) throw clipped.error;
    expect(clipped.annotation).toMatchObject({ filename: "clipped.png", size: { width: 100, height: 80, depth: 3 }, extra: { segmented: "0", source: { database: "Kaggle" } } });
    // Top-level tags survive, <path> (which the parser models) included.
    expect(clipped.annotation.path).toBe("C:\\labelling\\clipped.png");
    expect(clipped.annotation.objects[0]).toMatchObject({ box: { xmin: 11.5, ymin: 20, xmax: 100, ymax: 60 }, difficult: true, truncated: true, occluded: true, pose: "Left" });
    expect(clipped.annotation.objects[1]).toMatchObject({ difficult: false, truncated: false, occluded: false });
    expect(entries.get("Annotations/clipped.xml")!.toString()).not.toMatch(/Unspecified/);
    const gray = parseVoc(entries.get("Annotations/gray.xml")!.toString());
    expect(gray.ok && gray.annotation.size).toEqual({ width: 40, height: 30, depth: 1 });

    const copy = await importVocFolder(copyDir, { name: "copy", db: env.db, store: env.store });
    expect(copy.issues.map((issue) => issue.code)).not.toContain("box-clipped");
    expect(await snapshot(copy.datasetId)).toEqual(before);
  });

  it("gives colliding and hostile file names unique, safe names that still pair images with their XML", async () => {
    const dataset = await env.db.dataset.create({ data: { name: "nested", classes: ["with_mask", "without_mask", "mask_weared_incorrect"] } });
    const files = ["a/x.jpg", "b/x.jpg", "c/X.png", "../../evil\u0007name.png", "dir\\win.png"];
    const bytes = await Promise.all(files.map((_, i) => png(20 + i, 20, 30 * i)));
    for (const [i, fileName] of files.entries()) {
      await env.db.image.create({
        data: {
          datasetId: dataset.id,
          fileName,
          contentHash: await env.store.put(bytes[i]!),
          width: 20 + i,
          height: 20,
          channels: 3,
          format: "png",
          labelStatus: "labeled",
          boxCount: 1,
          boxes: { create: [{ className: "with_mask", xmin: 1, ymin: 2, xmax: 10, ymax: 12 }] },
        },
      });
    }
    const zip = path.join(work, "nested.zip");
    await exportDataset({ db: env.db, store: env.store, datasetId: dataset.id, format: "voc", output: zip });
    const entries = await readZip(zip);
    expectSafeEntryNames(entries.keys());
    // Exported in file-name order: "../../evil…" < "a/x.jpg" < "b/x.jpg" < "c/X.png" < "dir\win.png".
    expect([...entries.keys()].filter((name) => name.startsWith("JPEGImages/"))).toEqual([
      "JPEGImages/evil_name.png",
      "JPEGImages/x.jpg",
      "JPEGImages/x-2.jpg",
      "JPEGImages/X-3.png",
      "JPEGImages/win.png",
    ]);
    expect(entries.get("JPEGImages/x-2.jpg")).toEqual(bytes[1]);
    const xml = parseVoc(entries.get("Annotations/x-2.xml")!.toString());
    expect(xml.ok && xml.annotation.filename).toBe("x-2.jpg");
  });
});

describe("ExportNames", () => {
  it("keeps basenames, numbers clashes by stem, and cleans what is unsafe to unpack", () => {
    const names = new ExportNames();
    const taken = [
      "JPEGImages/x.jpg",
      "other/x.jpg",
      "X.png",
      "x-2.jpg",
      "../../etc/passwd.jpg",
      "a\\b\\c.jpg",
      "bad\u0001name.jpg",
      "..jpg",
      "a..b.png",
      'con:fig?<1>|"*.jpg',
      ".hidden.jpg",
      "._x.jpg",
      "café mask 1.png",
    ].map((name) => names.take(name));
    expect(taken).toEqual([
      "x.jpg",
      "x-2.jpg",
      "X-3.png",
      "x-2-2.jpg",
      "passwd.jpg",
      "c.jpg",
      "bad_name.jpg",
      "image.jpg",
      "a.b.png",
      "con_fig__1____.jpg",
      "hidden.jpg",
      "_x.jpg",
      "café mask 1.png",
    ]);
  });
});

describe("COCO export", () => {
  it("writes images and annotations.json with exact boxes, category ids in class order and unlabeled images without annotations", async () => {
    const datasetId = await importMessy();
    const zip = path.join(work, "messy-coco.zip");
    const result = await exportDataset({ db: env.db, store: env.store, datasetId, format: "coco", output: zip, exportedAt });
    expect(result).toMatchObject({ images: 5, boxes: 4 });
    const entries = await readZip(zip);
    expect([...entries.keys()].sort()).toEqual(["annotations.json", "images/café mask 1.png", "images/clipped.png", "images/empty.png", "images/gray.jpg", "images/unlabeled.png"]);
    expect(entries.get("images/gray.jpg")).toEqual(await readFile(path.join(work, "messy/JPEGImages/gray.jpg")));

    const coco = JSON.parse(entries.get("annotations.json")!.toString()) as CocoDataset;
    expect(coco.categories.map((c) => [c.id, c.name])).toEqual([
      [1, "with_mask"],
      [2, "without_mask"],
      [3, "mask_weared_incorrect"],
    ]);
    const clipped = coco.images.find((image) => image.file_name === "clipped.png")!;
    expect(clipped).toMatchObject({ width: 100, height: 80 });
    expect(coco.annotations.filter((a) => a.image_id === clipped.id)).toEqual([
      {
        id: expect.any(Number),
        image_id: clipped.id,
        category_id: 1,
        bbox: [10.5, 19, 89.5, 41],
        area: 3669.5,
        iscrowd: 0,
        attributes: { difficult: true, truncated: true, occluded: true, pose: "Left", extra: { attributes: { attribute: { name: "glasses", value: "yes" } } } },
      },
      { id: expect.any(Number), image_id: clipped.id, category_id: 2, bbox: [0, 0, 10, 10], area: 100, iscrowd: 0, attributes: { difficult: false, truncated: false, occluded: false, pose: null } },
    ]);
    const unlabeled = coco.images.find((image) => image.file_name === "unlabeled.png")!;
    expect(coco.annotations.filter((a) => a.image_id === unlabeled.id)).toEqual([]);
    expect(coco.info.description).toBe('Masklab export of dataset "messy"');
  });

  it("streams the same document as buildCocoDataset, as a .json alone, for a split only", async () => {
    const datasetId = await importSample();
    const output = path.join(work, "train.json");
    const result = await exportDataset({ db: env.db, store: env.store, datasetId, format: "coco", filter: { split: "train" }, output, exportedAt });
    const rows = await env.db.image.findMany({ where: { datasetId, split: "train" }, include: { boxes: { orderBy: BOX_ORDER } }, orderBy: { fileName: "asc" } });
    expect(rows.length).toBeGreaterThan(0);
    expect(result).toMatchObject({ images: rows.length, boxes: rows.reduce((sum, row) => sum + row.boxes.length, 0) });

    const expected = buildCocoDataset({
      datasetName: "sample",
      classes: ["with_mask", "without_mask", "mask_weared_incorrect"],
      exportedAt,
      images: rows.map((row) => ({ fileName: path.basename(row.fileName), width: row.width, height: row.height, boxes: row.boxes.map(toAnnotatedBox) })),
    });
    expect(JSON.parse(await readFile(output, "utf8"))).toEqual(expected);
  });
});

describe("YOLO export", () => {
  it("writes images and labels by split, normalised lines, empty label files, classes.txt and data.yaml", async () => {
    const datasetId = await importMessy();
    const zip = path.join(work, "messy-yolo.zip");
    await exportDataset({ db: env.db, store: env.store, datasetId, format: "yolo", output: zip });
    const entries = await readZip(zip);
    const text = (name: string) => entries.get(name)?.toString();
    expect([...entries.keys()].filter((name) => name.startsWith("images/")).sort()).toEqual([
      "images/test/empty.png",
      "images/train/clipped.png",
      "images/train/unlabeled.png",
      "images/unassigned/café mask 1.png",
      "images/val/gray.jpg",
    ]);
    // with_mask (10.5, 19)–(100, 60) and without_mask (0, 0)–(10, 10) on a 100x80 image
    expect(text("labels/train/clipped.txt")).toBe("0 0.552500 0.493750 0.895000 0.512500\n1 0.050000 0.062500 0.100000 0.125000\n");
    expect(text("labels/train/unlabeled.txt")).toBe("");
    expect(text("labels/test/empty.txt")).toBe("");
    expect(text("labels/unassigned/café mask 1.txt")).toMatch(/^2 /);
    expect(text("classes.txt")).toBe("with_mask\nwithout_mask\nmask_weared_incorrect\n");
    expect(text("data.yaml")).toContain("train: images/train\nval: images/val\ntest: images/test\n");
  });
});

describe("filtered export", () => {
  it("contains exactly the images of the filter", async () => {
    const datasetId = await importSample();
    const testImages = await env.db.image.findMany({ where: { datasetId, split: "test" }, select: { fileName: true } });
    expect(testImages.length).toBeGreaterThan(0);
    const zip = path.join(work, "test.zip");
    const result = await exportDataset({ db: env.db, store: env.store, datasetId, format: "voc", filter: { split: "test" }, output: zip });
    expect(result.images).toBe(testImages.length);
    const entries = await readZip(zip);
    const exported = [...entries.keys()].filter((name) => name.startsWith("JPEGImages/")).map((name) => path.basename(name));
    expect(exported.sort()).toEqual(testImages.map((image) => path.basename(image.fileName)).sort());
    expect([...entries.keys()].filter((name) => name.startsWith("ImageSets/"))).toEqual(["ImageSets/Main/test.txt"]);

    const withRareClass = await env.db.image.count({ where: { datasetId, boxes: { some: { className: "without_mask" } } } });
    const byClass = await exportDataset({ db: env.db, store: env.store, datasetId, format: "yolo", filter: { className: "without_mask" }, output: path.join(work, "class.zip") });
    expect(byClass.images).toBe(withRareClass);
  });
});

describe("export failures", () => {
  it("rejects an unknown dataset with DatasetNotFoundError and writes nothing", async () => {
    const output = path.join(work, "out", "none.zip");
    await expect(exportDataset({ db: env.db, store: env.store, datasetId: "no-such-dataset", format: "voc", output })).rejects.toBeInstanceOf(DatasetNotFoundError);
    await expect(readdir(path.dirname(output))).rejects.toMatchObject({ code: "ENOENT" });
  });

  it("rejects targets the format cannot have", async () => {
    const datasetId = await importMessy();
    await expect(exportDataset({ db: env.db, store: env.store, datasetId, format: "voc", output: path.join(work, "voc.json") })).rejects.toBeInstanceOf(InvalidExportError);
    await expect(exportDataset({ db: env.db, store: env.store, datasetId, format: "coco", output: path.join(work, "coco.tar") })).rejects.toBeInstanceOf(InvalidExportError);
    expect(await readdir(work)).toEqual(["messy"]);
  });

  it("leaves no file behind when an original is missing mid-export", async () => {
    const datasetId = await importMessy();
    const victim = await env.db.image.findFirstOrThrow({ where: { datasetId, fileName: "JPEGImages/gray.jpg" } });
    await rm(env.store.pathOf(victim.contentHash));
    const outDir = path.join(work, "out");
    await mkdir(outDir);
    for (const format of ["voc", "coco", "yolo"] as const) {
      const failure = exportDataset({ db: env.db, store: env.store, datasetId, format, output: path.join(outDir, `${format}.zip`) });
      await expect(failure).rejects.toBeInstanceOf(ExportFailedError);
      await expect(failure).rejects.toThrow(/gray\.jpg is missing from storage/);
    }
    expect(await readdir(outDir)).toEqual([]);
    // COCO's JSON alone needs no original file.
    await exportDataset({ db: env.db, store: env.store, datasetId, format: "coco", output: path.join(outDir, "coco.json") });
    expect(await readdir(outDir)).toEqual(["coco.json"]);
  });
});

describe("streamed export", () => {
  it("names the download, and produces no faster than its reader takes", async () => {
    const datasetId = await importSample();
    const exported = await openDatasetExport({ db: env.db, store: env.store, datasetId, format: "voc", filter: { split: "train" } });
    expect(exported).toMatchObject({ fileName: "sample-voc-train.zip", contentType: "application/zip" });
    expect(exported.total).toBeGreaterThan(3);

    await new Promise((resolve) => setTimeout(resolve, 300));
    // Nobody reads: the export waits after the first image or two instead of buffering them all.
    expect(exported.counts.images).toBeLessThan(exported.total);

    let bytes = 0;
    await pipeline(exported.stream, new Writable({ write: (chunk: Buffer, _encoding, done) => ((bytes += chunk.length), done()) }));
    await exported.settled;
    expect(exported.counts.images).toBe(exported.total);
    expect(bytes).toBeGreaterThan(0);
  });

  it("stops when its reader goes away", async () => {
    const datasetId = await importSample();
    const exported = await openDatasetExport({ db: env.db, store: env.store, datasetId, format: "coco" });
    for await (const _chunk of exported.stream) break;
    const seen = exported.counts.images;
    // Settles only once the producer has given up and removed its spool files.
    await exported.settled;
    expect(exported.stream.destroyed).toBe(true);
    expect(exported.counts.images).toBeLessThanOrEqual(seen + 1);
    expect(exported.counts.images).toBeLessThan(exported.total);
  });

  it("encodes the download name for any browser", () => {
    expect(attachmentDisposition("café mask (1).zip")).toBe(`attachment; filename="caf__mask__1_.zip"; filename*=UTF-8''caf%C3%A9%20mask%20%281%29.zip`);
  });
});
