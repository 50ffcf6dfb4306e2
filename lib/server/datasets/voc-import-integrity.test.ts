import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { pngBomb, solidImage, truncatedJpeg, vocObject, vocXml } from "../testing/hostile-files";
import { createTestEnv, type TestEnv } from "../testing/test-env";
import { readVocFolder } from "./voc-folder";
import { importVocFolder, type ImportIssueRecord, type ImportSummary } from "./voc-import";
import { pairAnnotationsWithImages } from "./voc-pairs";

/** "Import: never lose a user's data": every file is handled on its own and accounted for. */

let env: TestEnv;
let dir: string;
beforeEach(async () => {
  env = await createTestEnv();
  dir = await mkdtemp(path.join(os.tmpdir(), "masklab-integrity-"));
});
afterEach(async () => {
  await env.cleanup();
  await rm(dir, { recursive: true, force: true });
});

/** Writes a file whose name is given as raw bytes (a Latin-1 name is not valid UTF-8). */
const putRaw = (name: Buffer, content: string | Buffer, folder = dir) => writeFile(Buffer.concat([Buffer.from(`${folder}/`), name]), content);
const put = (name: string, content: string | Buffer) => writeFile(path.join(dir, name), content);
const run = (options: { name?: string; from?: string } = {}) => importVocFolder(options.from ?? dir, { name: options.name ?? "d", db: env.db, store: env.store });
const finding = (issues: ImportIssueRecord[], file: string, code: string) => issues.find((i) => i.file === file && i.code === code);
const codesOf = (issues: ImportIssueRecord[], file: string) => issues.filter((i) => i.file === file).map((i) => i.code);

function expectArithmetic(s: ImportSummary) {
  expect(s.imagesAdded + s.imagesUnchanged + s.imagesUpdated + s.imagesChanged + s.imagesSkipped).toBe(s.imagesFound);
  expect(s.annotationsPaired + s.annotationsSkipped).toBe(s.annotationsFound);
  expect(s.unlabeledAdded + s.duplicatesKept).toBeLessThanOrEqual(s.imagesAdded);
}

describe("file names that are not UTF-8", () => {
  it("imports a Latin-1-named pair as its Latin-1 reading beside the valid pairs, escaping a name that would collide", async () => {
    await put("ok.png", await solidImage(40, 30));
    await put("ok.xml", vocXml("ok.png", vocObject("with_mask", 1, 1, 10, 10)));
    const manana = await solidImage(41, 30);
    await putRaw(Buffer.from("ma\xf1ana.png", "latin1"), manana);
    await putRaw(Buffer.from("ma\xf1ana.xml", "latin1"), vocXml("ma\xf1ana.png", vocObject("without_mask", 2, 2, 20, 20)));
    // A UTF-8 "café.png" and a Latin-1 one: the Latin-1 reading is taken, so the second is escaped.
    await put("café.png", await solidImage(42, 30));
    await putRaw(Buffer.from("caf\xe9.png", "latin1"), await solidImage(43, 30));

    const summary = await run();
    const images = await env.db.image.findMany({ include: { boxes: true }, orderBy: { fileName: "asc" } });
    expect(images.map((i) => [i.fileName, i.boxes.map((b) => b.className)])).toEqual([
      ["caf\\xe9.png", []],
      ["café.png", []],
      ["mañana.png", ["without_mask"]],
      ["ok.png", ["with_mask"]],
    ]);
    expect(await env.store.get(images[2]!.contentHash)).toEqual(manana);
    expect(finding(summary.issues, "mañana.xml", "file-name-encoding")!.message).toBe('the name is not UTF-8; its bytes were read as Latin-1 and it is stored as "mañana.xml"');
    expect(finding(summary.issues, "caf\\xe9.png", "file-name-encoding")!.message).toMatch(/stored as "caf\\xe9\.png"/);
    expect(summary).toMatchObject({ imagesFound: 4, imagesAdded: 4, annotationsFound: 2, annotationsPaired: 2 });
  });

  it("reads non-UTF-8 names in the standard layout and its ImageSets lists", async () => {
    await mkdir(path.join(dir, "JPEGImages"));
    await mkdir(path.join(dir, "Annotations"));
    await mkdir(path.join(dir, "ImageSets/Main"), { recursive: true });
    await putRaw(Buffer.from("ni\xf1o.png", "latin1"), await solidImage(40, 30), path.join(dir, "JPEGImages"));
    await putRaw(Buffer.from("ni\xf1o.xml", "latin1"), vocXml("x.png", vocObject("with_mask", 1, 1, 10, 10)), path.join(dir, "Annotations"));
    await put("ImageSets/Main/test.txt", Buffer.from("ni\xf1o\n", "latin1"));
    await run();
    const image = await env.db.image.findFirstOrThrow({ include: { boxes: true } });
    expect(image).toMatchObject({ fileName: "JPEGImages/niño.png", split: "test", boxCount: 1 });
  });

  it("gives a file that vanished or cannot be read its own finding", async () => {
    await put("a.png", await solidImage(40, 30));
    await put("a.xml", vocXml("a.png", vocObject("with_mask", 1, 1, 10, 10)));
    await put("b.xml", vocXml("b.png", vocObject("with_mask", 1, 1, 10, 10)));
    const folder = await readVocFolder(dir);
    await rm(path.join(dir, "b.xml"));
    const issues: ImportIssueRecord[] = [];
    const { pairs, annotationsSkipped } = await pairAnnotationsWithImages(folder, (file, f) => issues.push({ file, ...f }));
    expect(pairs.map((p) => [p.imageFile, p.annotationFile])).toEqual([["a.png", "a.xml"]]);
    expect(annotationsSkipped).toBe(1);
    expect(issues).toEqual([expect.objectContaining({ file: "b.xml", code: "file-unreadable", message: "cannot be read (ENOENT); skipped" })]);
  });
});

describe("declared encodings, read from the folder", () => {
  it("imports UTF-16 and ISO-8859-1 annotation files and rejects undecodable bytes with where they are", async () => {
    const utf16 = (text: string) => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, "utf16le")]);
    await put("wide.png", await solidImage(40, 30));
    await put("wide.xml", utf16(`<?xml version="1.0" encoding="UTF-16"?>\n${vocXml("wide.png", vocObject("with_mask", 1, 1, 10, 10))}`));
    await put("señal.png", await solidImage(41, 30));
    await put("latin.xml", Buffer.from(`<?xml version="1.0" encoding="ISO-8859-1"?>\n${vocXml("señal.png", vocObject("without_mask", 1, 1, 10, 10))}`, "latin1"));
    await put("bad.png", await solidImage(42, 30));
    await put("bad.xml", Buffer.concat([Buffer.from("<annotation>\n<filename>bad.png</filename>\n<object><name>with"), Buffer.from([0xe9]), Buffer.from("_mask</name></object>\n</annotation>")]));

    const summary = await run();
    const boxes = await env.db.box.findMany({ include: { image: true }, orderBy: { className: "asc" } });
    expect(boxes.map((b) => [b.image.fileName, b.className])).toEqual([
      ["wide.png", "with_mask"],
      ["señal.png", "without_mask"],
    ]);
    expect(finding(summary.issues, "bad.xml", "xml-encoding")).toMatchObject({ severity: "error", message: expect.stringMatching(/^line 3: byte 0xE9 at byte offset 60 is not valid UTF-8/) });
    expect(finding(summary.issues, "bad.png", "annotation-rejected")!.message).toBe("its annotation file bad.xml was rejected (see that file's finding); imported without labels");
    expect(codesOf(summary.issues, "bad.png")).not.toContain("image-unlabeled");
  });
});

describe("duplicate pictures", () => {
  it("keeps a copy whose labels differ (flagged, same split), and skips copies that add nothing", async () => {
    const picture = await solidImage(60, 40);
    for (const name of ["a.png", "b.png", "c.png", "d.png"]) await put(name, picture);
    await put("a.xml", vocXml("a.png", vocObject("with_mask", 1, 1, 20, 20)));
    await put("b.xml", vocXml("b.png", vocObject("without_mask", 5, 5, 30, 30)));
    await put("c.xml", vocXml("c.png", vocObject("with_mask", 1, 1, 20, 20)));

    const first = await run();
    expectArithmetic(first);
    expect(first).toMatchObject({ imagesFound: 4, imagesAdded: 2, duplicatesKept: 1, imagesSkipped: 2, boxesAdded: 2 });
    const images = await env.db.image.findMany({ include: { boxes: true }, orderBy: { fileName: "asc" } });
    expect(images.map((i) => [i.fileName, i.boxes[0]!.className])).toEqual([
      ["a.png", "with_mask"],
      ["b.png", "without_mask"],
    ]);
    expect(images[1]!.split).toBe(images[0]!.split);
    expect(finding(first.issues, "b.png", "duplicate-image-labels-differ")!.message).toMatch(/^same picture as a\.png but with different labels: imported as its own image/);
    expect(finding(first.issues, "a.png", "duplicate-image-labels-differ")!.message).toMatch(/b\.png, which has different labels/);
    expect(finding(first.issues, "c.png", "duplicate-image")!.message).toBe("same picture as a.png, with the same labels; skipped");
    expect(finding(first.issues, "d.png", "duplicate-image")!.message).toMatch(/it has no labels of its own, so nothing is lost/);
    // Both flagged images are found by the finding filter.
    const flagged = await env.db.importIssue.findMany({ where: { code: "duplicate-image-labels-differ" }, select: { image: { select: { fileName: true } } } });
    expect(flagged.map((f) => f.image?.fileName).sort()).toEqual(["a.png", "b.png"]);

    // Re-importing the same folder changes nothing and still adds up.
    const again = await run();
    expectArithmetic(again);
    expect(again).toMatchObject({ imagesUnchanged: 2, imagesSkipped: 2, imagesAdded: 0 });
  });

  it("does the same for a picture already in the dataset", async () => {
    const picture = await solidImage(60, 40);
    await put("a.png", picture);
    await put("a.xml", vocXml("a.png", vocObject("with_mask", 1, 1, 20, 20)));
    await run();

    const later = path.join(dir, "later");
    await mkdir(later);
    await writeFile(path.join(later, "same.png"), picture);
    await writeFile(path.join(later, "same.xml"), vocXml("same.png", vocObject("with_mask", 1, 1, 20, 20)));
    await writeFile(path.join(later, "other.png"), picture);
    await writeFile(path.join(later, "other.xml"), vocXml("other.png", vocObject("mask_weared_incorrect", 3, 3, 25, 25)));
    const summary = await run({ from: later });
    expectArithmetic(summary);
    expect(summary).toMatchObject({ imagesFound: 2, imagesAdded: 1, duplicatesKept: 1, imagesSkipped: 1 });
    expect(finding(summary.issues, "same.png", "duplicate-image")!.message).toBe("same picture as a.png, already in the dataset, with the same labels; skipped");
    expect(finding(summary.issues, "other.png", "duplicate-image-labels-differ")!.message).toMatch(/^same picture as a\.png \(already in the dataset\) but with different labels/);
    const stored = await env.db.image.findMany({ include: { boxes: true }, orderBy: { fileName: "asc" } });
    expect(stored.map((i) => [i.fileName, i.boxes.map((b) => b.className)])).toEqual([
      ["a.png", ["with_mask"]],
      ["other.png", ["mask_weared_incorrect"]],
    ]);
    expect(stored[1]!.split).toBe(stored[0]!.split);
  });
});

describe("a folder with every kind of finding", () => {
  it("accounts for every file once, numbers objects by position, and explains rejections", async () => {
    const badObject = "<object><name>with_mask</name></object>";
    const okObjects = [
      vocObject("with_mask", 1, 1, 20, 20),
      badObject,
      vocObject("helmet", 1, 1, 5, 5),
      badObject,
      vocObject("without_mask", 200, 200, 210, 210),
      badObject,
      vocObject("With Mask", 1, 1, 20, 20),
    ].join("");
    await put("ok.png", await solidImage(100, 80));
    await put("ok.xml", vocXml("OK.PNG", okObjects, "<size><width>0</width><height>0</height></size>"));
    const cutLines = ["<annotation>", "  <filename>cut.png</filename>", ...Array.from({ length: 17 }, () => "  <segmented>0</segmented>"), "  <object><name>with_m"];
    await put("cut.png", await solidImage(50, 50));
    await put("cut.xml", cutLines.join("\n"));
    await put("latin.png", await solidImage(51, 50));
    await put("latin.xml", Buffer.from("<annotation><filename>latin.png</filename><owner>Jos\xe9</owner></annotation>", "latin1"));
    await put("huge.xml", `<annotation>${" ".repeat(2 * 1024 * 1024)}</annotation>`);
    await put("orphan.xml", vocXml("nowhere.jpg", vocObject("with_mask", 1, 1, 9, 9)));
    await put("second.xml", vocXml("ok.png", vocObject("with_mask", 1, 1, 9, 9)));
    await put("gone.png", await truncatedJpeg());
    await put("gone.xml", vocXml("gone.png", vocObject("with_mask", 1, 1, 9, 9)));
    await put("empty.jpg", Buffer.alloc(0));
    await put("text.jpg", "not an image");
    await put("bomb.png", pngBomb());
    await put("copy.png", await solidImage(100, 80));
    await put("lonely.png", await solidImage(52, 50));
    await put("twin.png", await solidImage(53, 50));
    await put("twin.jpg", await solidImage(54, 50, "jpeg"));

    const summary = await run();
    expectArithmetic(summary);
    expect(summary).toMatchObject({
      imagesFound: 11,
      // ok, cut, latin, lonely, twin.png, twin.jpg
      imagesAdded: 6,
      unlabeledAdded: 5,
      // gone (truncated), empty, text, bomb, copy (same picture as ok.png, no labels)
      imagesSkipped: 5,
      annotationsFound: 7,
      // ok.xml, gone.xml
      annotationsPaired: 2,
      // cut (malformed), latin (encoding), huge (too large), orphan (no image), second (ok.png taken)
      annotationsSkipped: 5,
      boxesAdded: 2,
    });
    expect(codesOf(summary.issues, "ok.xml").sort()).toEqual(
      ["xml-object-invalid", "xml-object-invalid", "xml-object-invalid", "filename-case", "size-invalid", "unknown-class", "box-outside", "class-renamed", "box-repeated"].sort(),
    );
    const messages = summary.issues.filter((i) => i.file === "ok.xml").map((i) => i.message);
    expect(messages).toEqual(
      expect.arrayContaining([
        "object 2: <bndbox> is missing for \"with_mask\"; skipped",
        "object 6: <bndbox> is missing for \"with_mask\"; skipped",
        expect.stringMatching(/^object 3: class "helmet"/),
        "object 5: box (200, 200)–(210, 210) lies entirely outside the 100x80 image; box skipped",
        "object 7 repeats object 1 exactly (same class and coordinates); both kept",
        '<filename> says "OK.PNG" but the file is ok.png, which differs in case only; paired with it',
        "<size> says 0x0, which is not an image size; using the image's 100x80",
      ]),
    );
    expect(codesOf(summary.issues, "ok.xml")).not.toContain("size-missing");
    expect(finding(summary.issues, "cut.xml", "xml-malformed")!.message).toBe("line 20: the file ends before <annotation> is closed (it stops inside <name>); it looks cut short");
    expect(codesOf(summary.issues, "cut.png")).toEqual(["annotation-rejected"]);
    expect(codesOf(summary.issues, "latin.png")).toEqual(["annotation-rejected"]);
    expect(codesOf(summary.issues, "lonely.png")).toEqual(["image-unlabeled"]);
    expect(codesOf(summary.issues, "gone.xml")).toEqual(["image-rejected"]);
    expect(codesOf(summary.issues, "copy.png")).toEqual(["duplicate-image"]);
    expect(codesOf(summary.issues, "huge.xml")).toEqual(["xml-too-large"]);

    const again = await run();
    expectArithmetic(again);
    expect(again).toMatchObject({ imagesFound: 11, imagesUnchanged: 6, imagesSkipped: 5, annotationsSkipped: 5 });
    const stored = await env.db.importRun.findFirstOrThrow({ orderBy: { startedAt: "asc" } });
    expect(stored.summary).toMatchObject({ imagesFound: 11, imagesSkipped: 5, annotationsSkipped: 5 });
  });
});
