import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import sharp from "sharp";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { imageWhere } from "./image-query";
import { BILLION_LAUGHS, pngBomb, solidImage, truncatedJpeg, vocObject, vocXml, XXE } from "../testing/hostile-files";
import { createTestEnv, type TestEnv } from "../testing/test-env";
import { ImportFailedError, importVocFolder } from "./voc-import";

let env: TestEnv;
let dir: string;
beforeEach(async () => {
  env = await createTestEnv();
  dir = await mkdtemp(path.join(os.tmpdir(), "masklab-hostile-"));
});
afterEach(async () => {
  await env.cleanup();
  await rm(dir, { recursive: true, force: true });
});

const put = (name: string, content: string | Buffer) => writeFile(path.join(dir, name), content);
const run = (extra: Partial<Parameters<typeof importVocFolder>[1]> = {}) => importVocFolder(dir, { name: "h", db: env.db, store: env.store, ...extra });
const codesOf = (issues: { file: string; code: string }[]) => issues.map((i) => `${i.file}:${i.code}`);

describe("hostile and broken inputs", () => {
  it("gives each broken file its own finding and imports the rest", async () => {
    await put("ok.png", await solidImage(60, 40));
    await put("ok.xml", vocXml("ok.png", vocObject("with_mask", 5, 5, 20, 20)));
    await put("laughs.png", await solidImage(30, 30));
    await put("laughs.xml", BILLION_LAUGHS);
    await put("xxe.png", await solidImage(30, 31));
    await put("xxe.xml", XXE);
    await put("cut.jpg", await truncatedJpeg());
    await put("cut.xml", vocXml("cut.jpg", vocObject("with_mask", 1, 1, 9, 9)));
    await put("bomb.png", pngBomb());
    await put("zero.png", Buffer.alloc(0));
    await put("twin.png", await solidImage(20, 22));
    await put("twin.jpg", await solidImage(20, 23, "jpeg"));

    const summary = await run();
    expect(codesOf(summary.issues)).toEqual(
      expect.arrayContaining([
        "laughs.xml:xml-malformed",
        "xxe.xml:xml-malformed",
        "cut.jpg:image-truncated",
        "cut.xml:image-rejected",
        "bomb.png:image-too-many-pixels",
        "zero.png:image-empty",
        "twin.png:duplicate-file",
      ]),
    );
    expect(summary.issues.find((i) => i.file === "xxe.xml")!.message).toMatch(/DOCTYPE/);
    // ok.png, laughs.png and xxe.png (unlabeled: their XML was refused), twin.jpg and twin.png.
    const names = (await env.db.image.findMany({ orderBy: { fileName: "asc" } })).map((i) => i.fileName);
    expect(names).toEqual(["laughs.png", "ok.png", "twin.jpg", "twin.png", "xxe.png"]);
    const unlabeled = await env.db.image.findMany({ where: { fileName: { in: ["laughs.png", "xxe.png"] } } });
    expect(unlabeled.map((i) => i.labelStatus)).toEqual(["unlabeled", "unlabeled"]);
    expect(await env.db.box.count()).toBe(1);
  });

  it("records colour traits, keeps the original bytes and makes an RGB thumbnail", async () => {
    const grey16 = await sharp({ create: { width: 64, height: 48, channels: 3, background: "#808080" } }).toColourspace("grey16").png().toBuffer();
    await put("grey16.png", grey16);
    await put("rgba.png", await solidImage(64, 48, "png", 4));
    const summary = await run();
    const images = await env.db.image.findMany({ orderBy: { fileName: "asc" } });
    expect(images.map((i) => [i.fileName, i.colorSpace, i.bitsPerSample, i.hasAlpha, i.channels])).toEqual([
      ["grey16.png", "grey16", 16, false, 1],
      ["rgba.png", "srgb", 8, true, 4],
    ]);
    expect(summary.issues.filter((i) => i.code === "image-normalised")).toHaveLength(2);
    expect(await env.store.get(images[0]!.contentHash)).toEqual(grey16);
    const thumb = await sharp(await env.store.get(images[0]!.thumbnailKey!)).metadata();
    expect(thumb).toMatchObject({ format: "jpeg", channels: 3, width: 64, height: 48 });
  });

  it("maps unknown classes when asked, and reports them with counts when not", async () => {
    await put("a.png", await solidImage(50, 50));
    await put("a.xml", vocXml("a.png", vocObject("mask", 1, 1, 20, 20) + vocObject("mask", 21, 21, 40, 40) + vocObject("helmet", 1, 1, 5, 5)));
    const unmapped = await run();
    expect(unmapped.unknownClasses).toEqual({ mask: 2, helmet: 1 });
    expect(unmapped.boxesAdded).toBe(0);

    await rm(path.join(dir, "a.png"));
    await put("b.png", await solidImage(50, 51));
    await put("b.xml", vocXml("b.png", vocObject("mask", 1, 1, 20, 20)));
    const mapped = await run({ classMap: { mask: "with_mask" } });
    expect(mapped.unknownClasses).toEqual({});
    expect(mapped.issues).toContainEqual(expect.objectContaining({ file: "b.xml", code: "class-renamed" }));
    expect(await env.db.box.findMany({ where: { image: { fileName: "b.png" } } })).toEqual([expect.objectContaining({ className: "with_mask" })]);
  });

  it("splits images without ImageSets deterministically, stratified by class", async () => {
    for (let i = 0; i < 40; i++) {
      await put(`img${i}.png`, await solidImage(30 + i, 30));
      const cls = i % 10 === 0 ? "mask_weared_incorrect" : "with_mask";
      await put(`img${i}.xml`, vocXml(`img${i}.png`, vocObject(cls, 1, 1, 10, 10)));
    }
    await run();
    const rare = await env.db.image.findMany({ where: { boxes: { some: { className: "mask_weared_incorrect" } } } });
    expect(rare.map((i) => i.split).sort()).toEqual(["test", "train", "train", "val"]);
    const counts = await env.db.image.groupBy({ by: ["split"], _count: { _all: true } });
    // 36 common images → 25 / 6 / 5 (largest remainder), 4 rare ones → 2 / 1 / 1.
    expect(Object.fromEntries(counts.map((c) => [c.split, c._count._all]))).toEqual({ train: 27, val: 7, test: 6 });
  });

  it("links findings to their images so the browser can filter by them", async () => {
    await put("edge.png", await solidImage(40, 40));
    await put("edge.xml", vocXml("edge.png", vocObject("with_mask", 30, 30, 41, 41)));
    await put("clean.png", await solidImage(40, 41));
    await put("clean.xml", vocXml("clean.png", vocObject("with_mask", 1, 1, 10, 10)));
    const summary = await run();
    const hits = await env.db.image.findMany({ where: imageWhere(summary.datasetId, { issue: "box-clipped" }) });
    expect(hits.map((i) => i.fileName)).toEqual(["edge.png"]);
  });

  it("leaves the database exactly as it was when everything is refused", async () => {
    await mkdir(path.join(dir, "Annotations"));
    await mkdir(path.join(dir, "JPEGImages"));
    await put("Annotations/a.xml", BILLION_LAUGHS);
    await put("JPEGImages/b.jpg", await truncatedJpeg());
    const failure = await run().catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ImportFailedError);
    expect(codesOf((failure as ImportFailedError).issues)).toEqual(["Annotations/a.xml:xml-malformed", "JPEGImages/b.jpg:image-truncated"]);
    for (const count of await Promise.all([env.db.dataset.count(), env.db.image.count(), env.db.importRun.count(), env.db.importIssue.count()])) {
      expect(count).toBe(0);
    }
  });
});
