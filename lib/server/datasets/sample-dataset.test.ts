import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import sharp from "sharp";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parseVoc } from "@/lib/domain/voc";
import { listDatasetSummaries } from "./datasets";
import { ensureSampleDataset } from "./sample-bootstrap";
import { SAMPLE_DATASET_NAME, writeSampleDataset } from "./sample-dataset";
import { createTestEnv, type TestEnv } from "../testing/test-env";

let work: string;
beforeEach(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), "masklab-sample-"));
});
afterEach(() => rm(work, { recursive: true, force: true }));

describe("writeSampleDataset", () => {
  it("writes a standard VOC folder whose XML sizes match the real images", async () => {
    const dir = path.join(work, "a");
    expect(await writeSampleDataset(dir, { count: 6, seed: 1 })).toEqual({ reused: false });
    expect((await readdir(path.join(dir, "JPEGImages"))).length).toBe(6);
    expect((await readdir(path.join(dir, "ImageSets/Main"))).sort()).toEqual(["test.txt", "train.txt", "val.txt"]);
    for (const file of await readdir(path.join(dir, "Annotations"))) {
      const parsed = parseVoc(await readFile(path.join(dir, "Annotations", file), "utf8"));
      if (!parsed.ok) throw parsed.error;
      const meta = await sharp(path.join(dir, "JPEGImages", parsed.annotation.filename!)).metadata();
      expect(parsed.annotation.size).toMatchObject({ width: meta.width, height: meta.height });
      expect(parsed.annotation.objects.length).toBeGreaterThan(0);
    }
  });

  it("is byte-for-byte deterministic and reuses a complete folder", async () => {
    const a = path.join(work, "a");
    const b = path.join(work, "b");
    await writeSampleDataset(a, { count: 4, seed: 9 });
    await writeSampleDataset(b, { count: 4, seed: 9 });
    for (const file of ["Annotations/sample_0003.xml", "JPEGImages/sample_0003.jpg", "ImageSets/Main/train.txt"]) {
      expect(await readFile(path.join(b, file))).toEqual(await readFile(path.join(a, file)));
    }
    expect(await writeSampleDataset(a, { count: 4, seed: 9 })).toEqual({ reused: true });
    expect(await writeSampleDataset(a, { count: 5, seed: 9 })).toEqual({ reused: false });
  });
});

describe("ensureSampleDataset", () => {
  let env: TestEnv;
  beforeEach(async () => {
    env = await createTestEnv();
  });
  afterEach(async () => {
    await env.cleanup();
  });

  it("imports on first start and does nothing on the second", async () => {
    const first = await ensureSampleDataset({ db: env.db, count: 10 });
    expect(first.imported).toBe(true);
    const [summary] = await listDatasetSummaries(env.db);
    expect(summary).toMatchObject({ name: SAMPLE_DATASET_NAME, imageCount: 10 });
    expect(Object.values(summary!.boxesPerClass).reduce((a, b) => a + b, 0)).toBe(summary!.boxCount);
    expect(Object.values(summary!.imagesPerSplit).reduce((a, b) => a + b, 0)).toBe(10);
    expect(summary!.imagesPerLabelStatus).toEqual({ labeled: 10 });

    expect(await ensureSampleDataset({ db: env.db, count: 10 })).toEqual({ imported: false });
    expect(await env.db.image.count()).toBe(10);
    expect(await env.db.box.count()).toBe(summary!.boxCount);
    expect(await env.db.importRun.count()).toBe(1);
  });
});
