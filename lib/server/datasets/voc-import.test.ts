import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import sharp from "sharp";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parseVoc } from "@/lib/domain/voc";
import { writeSampleDataset } from "./sample-dataset";
import { createTestEnv, type TestEnv } from "../testing/test-env";
import { ImportFailedError, importVocFolder } from "./voc-import";

let env: TestEnv;
let work: string;
beforeEach(async () => {
  env = await createTestEnv();
  work = await mkdtemp(path.join(os.tmpdir(), "masklab-voc-"));
});
afterEach(async () => {
  await env.cleanup();
  await rm(work, { recursive: true, force: true });
});

const png = (width: number, height: number, channels: 3 | 4 = 3) =>
  sharp({ create: { width, height, channels, background: { r: 200, g: 150, b: 100, alpha: 0.5 } } }).png().toBuffer();

const xml = (filename: string, objects: string, size = "") =>
  `\n<annotation><folder>images</folder><filename>${filename}</filename>${size}${objects}</annotation>`;
const obj = (name: string, xmin: number, ymin: number, xmax: number, ymax: number) =>
  `<object><name>${name}</name><difficult>0</difficult><bndbox><xmin>${xmin}</xmin><ymin>${ymin}</ymin><xmax>${xmax}</xmax><ymax>${ymax}</ymax></bndbox></object>`;

async function countsOnDisk(dir: string) {
  const counts: Record<string, number> = {};
  for (const file of await readdir(path.join(dir, "Annotations"))) {
    const parsed = parseVoc(await readFile(path.join(dir, "Annotations", file), "utf8"));
    if (!parsed.ok) throw parsed.error;
    for (const o of parsed.annotation.objects) counts[o.name] = (counts[o.name] ?? 0) + 1;
  }
  return counts;
}

describe("importVocFolder", () => {
  it("imports a standard VOC folder with splits, stores originals, and is idempotent", async () => {
    const dir = path.join(work, "voc");
    await writeSampleDataset(dir, { count: 12, seed: 5 });
    const first = await importVocFolder(dir, { name: "s", db: env.db, store: env.store });
    const onDisk = await countsOnDisk(dir);
    const totalBoxes = Object.values(onDisk).reduce((a, b) => a + b, 0);
    expect(first).toMatchObject({ imagesAdded: 12, imagesUnchanged: 0, boxesAdded: totalBoxes });

    const rows = await env.db.box.groupBy({ by: ["className"], _count: { _all: true } });
    expect(Object.fromEntries(rows.map((r) => [r.className, r._count._all]))).toEqual(onDisk);
    const splits = (await readFile(path.join(dir, "ImageSets/Main/test.txt"), "utf8")).trim().split("\n");
    expect(await env.db.image.count({ where: { split: "test" } })).toBe(splits.length);

    const image = await env.db.image.findFirstOrThrow({ where: { fileName: "JPEGImages/sample_0000.jpg" }, include: { revisions: true } });
    expect(await env.store.get(image.contentHash)).toEqual(await readFile(path.join(dir, "JPEGImages/sample_0000.jpg")));
    expect(image).toMatchObject({ format: "jpeg", labelStatus: "labeled", annotationVersion: 1 });
    expect(image.revisions).toEqual([expect.objectContaining({ version: 1, action: "import" })]);

    const second = await importVocFolder(dir, { name: "s", db: env.db, store: env.store });
    expect(second).toMatchObject({ imagesAdded: 0, imagesUnchanged: 12, imagesChanged: 0, boxesAdded: 0 });
    expect(await env.db.image.count()).toBe(12);
    expect(await env.db.box.count()).toBe(totalBoxes);
    expect(await env.db.importRun.count()).toBe(2);
  });

  it("on re-import, follows the file where nobody edited since import, and never overwrites edits", async () => {
    const dir = path.join(work, "voc");
    await writeSampleDataset(dir, { count: 3, seed: 5 });
    await importVocFolder(dir, { name: "s", db: env.db, store: env.store });
    const editFile = async (stem: string) => {
      const file = path.join(dir, `Annotations/${stem}.xml`);
      await writeFile(file, (await readFile(file, "utf8")).replace(/<xmin>\d+<\/xmin>/, "<xmin>2</xmin>"));
    };
    // sample_0001 gets a human edit in Masklab (a revision that is not an import).
    const edited = await env.db.image.findFirstOrThrow({ where: { fileName: "JPEGImages/sample_0001.jpg" }, include: { boxes: true } });
    await env.db.image.update({
      where: { id: edited.id },
      data: { annotationVersion: 2, revisions: { create: { version: 2, action: "edit", after: {} } } },
    });
    const editedBoxes = await env.db.box.findMany({ where: { imageId: edited.id }, orderBy: { id: "asc" } });
    await editFile("sample_0001");
    await editFile("sample_0002");

    const again = await importVocFolder(dir, { name: "s", db: env.db, store: env.store });
    expect(again).toMatchObject({ imagesAdded: 0, imagesUnchanged: 1, imagesUpdated: 1, imagesChanged: 1 });
    expect(again.issues).toContainEqual(expect.objectContaining({ file: "JPEGImages/sample_0001.jpg", code: "differs-from-stored" }));
    expect(await env.db.box.findMany({ where: { imageId: edited.id }, orderBy: { id: "asc" } })).toEqual(editedBoxes);

    const updated = await env.db.image.findFirstOrThrow({ where: { fileName: "JPEGImages/sample_0002.jpg" }, include: { boxes: true, revisions: { orderBy: { version: "asc" } } } });
    expect(updated.boxes.some((b) => b.xmin === 1)).toBe(true);
    expect(updated.annotationVersion).toBe(2);
    expect(updated.revisions.map((r) => r.action)).toEqual(["import", "import"]);
    expect(updated.revisions[1]!.before).toEqual(updated.revisions[0]!.after);
  });

  it("imports what it can from a messy flat folder and records every problem", async () => {
    const dir = path.join(work, "flat folder ü");
    await mkdir(dir);
    await writeFile(path.join(dir, "good one.png"), await png(100, 80, 4));
    await writeFile(path.join(dir, "good one.xml"), xml("good one.png", obj("With Mask", 10, 10, 101, 40) + obj("helmet", 1, 1, 5, 5), "<size><width>120</width><height>80</height></size>"));
    await writeFile(path.join(dir, "broken.xml"), "<annotation><object><name>with_mask</name>");
    await writeFile(path.join(dir, "broken.png"), await png(50, 50));
    await writeFile(path.join(dir, "orphan.xml"), xml("nowhere.jpg", obj("with_mask", 1, 1, 9, 9)));
    await writeFile(path.join(dir, "empty.jpg"), Buffer.alloc(0));
    await writeFile(path.join(dir, "text.jpg"), "this is not an image");
    await writeFile(path.join(dir, "lying.png"), await sharp(await png(64, 48)).jpeg().toBuffer());
    await writeFile(path.join(dir, "copy of good.png"), await readFile(path.join(dir, "good one.png")));

    const summary = await importVocFolder(dir, { name: "messy", db: env.db, store: env.store });
    const codes = summary.issues.map((i) => `${i.file}:${i.code}`);
    expect(codes).toEqual(
      expect.arrayContaining([
        "good one.xml:size-mismatch",
        "good one.xml:class-renamed",
        "good one.xml:box-clipped",
        "good one.xml:unknown-class",
        "broken.xml:xml-malformed",
        "orphan.xml:image-missing",
        "empty.jpg:image-empty",
        "text.jpg:image-unreadable",
        "copy of good.png:duplicate-image",
        "lying.png:image-extension-mismatch",
        "good one.png:image-normalised",
      ]),
    );
    expect(summary).toMatchObject({ imagesAdded: 3, boxesAdded: 1, unlabeledAdded: 2 });

    const images = await env.db.image.findMany({ include: { boxes: true }, orderBy: { fileName: "asc" } });
    expect(images.map((i) => [i.fileName, i.format, i.channels, i.labelStatus])).toEqual([
      ["broken.png", "png", 3, "unlabeled"],
      ["good one.png", "png", 4, "labeled"],
      ["lying.png", "jpeg", 3, "unlabeled"],
    ]);
    expect(images[1]!.boxes).toEqual([expect.objectContaining({ className: "with_mask", xmin: 9, xmax: 100, source: "import" })]);

    const run = await env.db.importRun.findFirstOrThrow({ include: { issues: true } });
    expect(run.issues).toHaveLength(summary.issues.length);
  });

  it("reads ImageSets lists whose stems contain spaces and unicode", async () => {
    const dir = path.join(work, "spaced");
    await mkdir(path.join(dir, "JPEGImages"), { recursive: true });
    await mkdir(path.join(dir, "ImageSets/Main"), { recursive: true });
    await writeFile(path.join(dir, "JPEGImages/café mask 1.png"), await png(30, 30));
    await writeFile(path.join(dir, "JPEGImages/plain.png"), await png(31, 30));
    await writeFile(path.join(dir, "ImageSets/Main/test.txt"), "café mask 1\r\n");
    await writeFile(path.join(dir, "ImageSets/Main/train.txt"), "plain\n");
    await importVocFolder(dir, { name: "spaced", db: env.db, store: env.store });
    const images = await env.db.image.findMany({ orderBy: { fileName: "asc" } });
    expect(images.map((i) => [i.fileName, i.split])).toEqual([
      ["JPEGImages/café mask 1.png", "test"],
      ["JPEGImages/plain.png", "train"],
    ]);
  });

  it("fails cleanly and leaves the database untouched when nothing can be imported", async () => {
    const dir = path.join(work, "bad");
    await mkdir(path.join(dir, "Annotations"), { recursive: true });
    await writeFile(path.join(dir, "Annotations/a.xml"), '<!DOCTYPE a [<!ENTITY x SYSTEM "file:///etc/passwd">]><annotation/>');
    await writeFile(path.join(dir, "Annotations/b.xml"), xml("b.jpg", obj("with_mask", 1, 1, 5, 5)));

    const failure = await importVocFolder(dir, { name: "bad", db: env.db, store: env.store }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ImportFailedError);
    expect((failure as ImportFailedError).issues.map((i) => i.code)).toEqual(["xml-malformed", "image-missing"]);
    expect(await env.db.dataset.count()).toBe(0);
    expect(await env.db.importRun.count()).toBe(0);
    await expect(importVocFolder(path.join(work, "nope"), { name: "x", db: env.db, store: env.store })).rejects.toThrow(/cannot read folder/);
  });
});
