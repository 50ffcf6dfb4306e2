import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { histogram } from "@/lib/domain/histogram";
import { BOX_SIZE_EDGES, datasetStatistics } from "./dataset-stats";
import { countImages, imageNeighbours, listImages } from "./image-browser";
import { readThumbnail } from "../images/image-files";
import { getImportReport, issueCodesOfDataset } from "./import-runs";
import { createSampleTestEnv, type SampleTestEnv } from "../testing/test-env";

let env: SampleTestEnv;
let datasetId: string;
let runId: string;
beforeAll(async () => {
  env = await createSampleTestEnv({ count: 30, seed: 11 }, async (folder) => {
    // Two findings to report and filter by: a box far beyond the border, and a fractional coordinate.
    const xml = path.join(folder, "Annotations/sample_0000.xml");
    await writeFile(xml, (await readFile(xml, "utf8")).replace(/<xmax>\d+<\/xmax>/, "<xmax>9999</xmax>").replace(/<ymin>(\d+)<\/ymin>/, "<ymin>$1.5</ymin>"));
  });
  datasetId = env.summary.datasetId;
  runId = env.summary.importRunId;
});
afterAll(() => env.cleanup());

describe("image browser", () => {
  it("pages through every image once, in file-name order", async () => {
    const seen: string[] = [];
    let after: string | undefined;
    let pages = 0;
    do {
      const page = await listImages(datasetId, {}, { after, limit: 7 }, env.db);
      seen.push(...page.items.map((i) => i.fileName));
      after = page.nextCursor ?? undefined;
      pages++;
    } while (after);
    expect(pages).toBe(5);
    expect(seen).toEqual([...seen].sort());
    expect(new Set(seen).size).toBe(30);
  });

  it("filters by class, split, box count and file name, matching the database's own counts", async () => {
    const withIncorrect = await env.db.image.count({ where: { datasetId, boxes: { some: { className: "mask_weared_incorrect" } } } });
    expect(await countImages(datasetId, { className: "mask_weared_incorrect" }, env.db)).toBe(withIncorrect);
    expect((await listImages(datasetId, { className: "mask_weared_incorrect" }, { limit: 100 }, env.db)).items).toHaveLength(withIncorrect);
    expect(await countImages(datasetId, {}, env.db)).toBe(30);
    const test = await listImages(datasetId, { split: "test" }, { limit: 100 }, env.db);
    expect(test.items.every((i) => i.split === "test")).toBe(true);
    const crowded = await listImages(datasetId, { minBoxes: 5, maxBoxes: 6 }, { limit: 100 }, env.db);
    expect(crowded.items.every((i) => i.boxCount >= 5 && i.boxCount <= 6)).toBe(true);
    expect(crowded.items.length).toBe(await env.db.image.count({ where: { datasetId, boxCount: { gte: 5, lte: 6 } } }));
    expect((await listImages(datasetId, { q: "sample_001" }, { limit: 100 }, env.db)).items.map((i) => i.fileName)).toEqual(
      Array.from({ length: 10 }, (_, i) => `JPEGImages/sample_001${i}.jpg`),
    );
    // The file-name search ignores case on both engines.
    expect(await countImages(datasetId, { q: "SAMPLE_001" }, env.db)).toBe(10);
  });

  it("gives each listed image its boxes, in image pixels, for the thumbnail overlay", async () => {
    const page = await listImages(datasetId, {}, { limit: 30 }, env.db);
    const stored = await env.db.box.findMany({ where: { image: { datasetId } }, select: { imageId: true, className: true, xmin: true, ymin: true, xmax: true, ymax: true } });
    expect(page.items.reduce((sum, i) => sum + i.boxes.length, 0)).toBe(stored.length);
    for (const image of page.items) {
      expect(image.boxes).toHaveLength(image.boxCount);
      const mine = stored.filter((b) => b.imageId === image.id).map((b) => [b.className, Math.round(b.xmin), Math.round(b.ymin), Math.round(b.xmax), Math.round(b.ymax)]);
      expect([...image.boxes].sort()).toEqual(mine.sort());
    }
    const crowded = page.items.find((i) => i.boxCount > 0)!;
    for (const [className, xmin, ymin, xmax, ymax] of crowded.boxes) {
      expect(["with_mask", "without_mask", "mask_weared_incorrect"]).toContain(className);
      expect(xmin).toBeLessThan(xmax);
      expect(ymin).toBeLessThan(ymax);
    }
  });

  it("tells the neighbours of an image within a filter", async () => {
    const all = (await listImages(datasetId, { split: "train" }, { limit: 100 }, env.db)).items;
    const middle = all[3]!;
    const around = await imageNeighbours(datasetId, { split: "train" }, middle.fileName, env.db);
    expect(around).toEqual({ previous: all[2]!.id, next: all[4]!.id, position: 4, total: all.length });
    const first = await imageNeighbours(datasetId, { split: "train" }, all[0]!.fileName, env.db);
    expect(first.previous).toBeNull();
  });

  it("serves the stored thumbnail, and makes a missing one once", async () => {
    const image = await env.db.image.findFirstOrThrow({ where: { datasetId } });
    const stored = await readThumbnail(image.id, env.db, env.store);
    expect(stored?.etag).toBe(image.thumbnailKey);
    await env.db.image.update({ where: { id: image.id }, data: { thumbnailKey: null } });
    const made = await readThumbnail(image.id, env.db, env.store);
    expect((await env.db.image.findUniqueOrThrow({ where: { id: image.id } })).thumbnailKey).toBe(made?.etag);
    expect(await readThumbnail("missing", env.db, env.store)).toBeNull();
  });
});

describe("dataset statistics and import reports", () => {
  it("adds up to the dataset's own counts", async () => {
    const stats = (await datasetStatistics(datasetId, env.db))!;
    const boxes = await env.db.box.count({ where: { image: { datasetId } } });
    expect(stats.splits.reduce((sum, s) => sum + s.images, 0)).toBe(30);
    expect(stats.splits.reduce((sum, s) => sum + Object.values(s.boxesPerClass).reduce((a, b) => a + b, 0), 0)).toBe(boxes);
    expect(stats.boxesPerImage.reduce((sum, b) => sum + b.count, 0)).toBe(30);
    expect(stats.boxSizes.reduce((sum, b) => sum + b.count, 0)).toBe(boxes);
    // The database's bins agree with a histogram of √area computed here from the rows.
    const rows = await env.db.box.findMany({ where: { image: { datasetId } } });
    const sizes = rows.map((b) => Math.sqrt((b.xmax - b.xmin) * (b.ymax - b.ymin)));
    expect(stats.boxSizes.map((b) => b.count)).toEqual(histogram(sizes, BOX_SIZE_EDGES).counts);
    expect(stats.cocoAreaRanges.small).toBe(sizes.filter((s) => s < 32).length);
    expect(stats.cocoAreaRanges.small + stats.cocoAreaRanges.medium + stats.cocoAreaRanges.large).toBe(boxes);
    expect(stats.imageWidths.reduce((sum, b) => sum + b.count, 0)).toBe(30);
    expect(await datasetStatistics("nope", env.db)).toBeNull();
  });

  it("pages and filters an import's findings", async () => {
    const all = (await getImportReport(runId, { page: 1, pageSize: 1000 }, env.db))!;
    expect(all.matching).toBe(all.issues.length);
    expect(all.codes).toEqual(expect.arrayContaining([{ severity: "warning", code: "box-clipped", count: 1 }, { severity: "info", code: "box-float", count: 1 }]));
    const firstPage = (await getImportReport(runId, { page: 1, pageSize: 1 }, env.db))!;
    expect(firstPage.issues).toHaveLength(1);
    expect(firstPage.matching).toBe(all.matching);
    const clipped = all.issues.filter((i) => i.code === "box-clipped").length;
    const filtered = (await getImportReport(runId, { code: "box-clipped", page: 1, pageSize: 1000 }, env.db))!;
    expect(filtered.matching).toBe(clipped);
    expect(clipped).toBe(1);
    const hits = await listImages(datasetId, { issue: "box-clipped" }, { limit: 10 }, env.db);
    expect(hits.items.map((i) => i.fileName)).toEqual(["JPEGImages/sample_0000.jpg"]);
    expect(await issueCodesOfDataset(datasetId, env.db)).toEqual([...new Set(all.issues.filter((i) => i.imageId).map((i) => i.code))].sort());
  });
});
