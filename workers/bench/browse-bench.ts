import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import sharp from "sharp";
import { FACEMASK_CLASSES } from "@/lib/domain/classes";
import { generateScene, sceneToSvg } from "@/lib/domain/synthetic-scene";
import { pixelBoxToVoc, serializeVoc } from "@/lib/domain/voc";
import { datasetStatistics } from "@/lib/server/datasets/dataset-stats";
import { countImages, listImages } from "@/lib/server/datasets/image-browser";
import type { Db } from "@/lib/server/platform/db";
import { importVocFolder } from "@/lib/server/datasets/voc-import";
import { percentile, round, timeRuns, withBenchEnv, type BenchRow } from "./bench-row";

const PNG_COUNT = 1_000;
const BIG_DATASET = 50_000;

/** A flat VOC folder of 400x300 PNGs (synthetic scenes squeezed to that size). */
async function writePngFolder(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  for (let i = 0; i < PNG_COUNT; i++) {
    const scene = generateScene(7, i);
    const sx = 400 / scene.width;
    const sy = 300 / scene.height;
    const png = await sharp(Buffer.from(sceneToSvg(scene))).resize(400, 300, { fit: "fill" }).png({ compressionLevel: 6 }).toBuffer();
    const name = `scene_${String(i).padStart(4, "0")}`;
    await writeFile(path.join(dir, `${name}.png`), png);
    const objects = scene.faces.map((f) => ({
      name: f.className,
      box: pixelBoxToVoc({ xmin: Math.round(f.box.xmin * sx), ymin: Math.round(f.box.ymin * sy), xmax: Math.max(Math.round(f.box.xmin * sx) + 1, Math.round(f.box.xmax * sx)), ymax: Math.max(Math.round(f.box.ymin * sy) + 1, Math.round(f.box.ymax * sy)) }),
      difficult: false,
      truncated: f.truncated,
      occluded: false,
      extra: {},
    }));
    await writeFile(path.join(dir, `${name}.xml`), serializeVoc({ filename: `${name}.png`, size: { width: 400, height: 300, depth: 3 }, objects, extra: {} }));
  }
}

/** 50,000 image rows with boxes, written straight to the database (no files needed to list). */
async function seedBigDataset(db: Db): Promise<string> {
  const dataset = await db.dataset.create({ data: { name: "fifty-thousand", classes: [...FACEMASK_CLASSES] } });
  const splits = ["train", "train", "train", "train", "train", "val", "test"];
  for (let start = 0; start < BIG_DATASET; start += 1_000) {
    const images = Array.from({ length: 1_000 }, (_, k) => {
      const i = start + k;
      return {
        id: `bench${String(i).padStart(6, "0")}`,
        datasetId: dataset.id,
        fileName: `images/img_${String(i).padStart(6, "0")}.png`,
        contentHash: i.toString(16).padStart(64, "0"),
        width: 400,
        height: 300,
        channels: 3,
        format: "png",
        split: splits[i % splits.length]!,
        labelStatus: i % 10 === 0 ? "unlabeled" : "labeled",
        boxCount: i % 10 === 0 ? 0 : (i % 7) + 1,
      };
    });
    await db.image.createMany({ data: images });
    await db.box.createMany({
      data: images.flatMap((image, k) =>
        Array.from({ length: image.boxCount }, (_, b) => ({
          imageId: image.id,
          className: (start + k + b) % 20 === 0 ? "mask_weared_incorrect" : (start + k + b) % 4 === 0 ? "without_mask" : "with_mask",
          xmin: 10 * b,
          ymin: 10,
          xmax: 10 * b + 30,
          ymax: 50,
          source: "import",
        })),
      ),
    });
  }
  return dataset.id;
}

export async function browseBenchmarks(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  await withBenchEnv("browse", async ({ work, db, store }) => {

    await writePngFolder(path.join(work, "pngs"));
    const rssBefore = process.memoryUsage().rss;
    let peak = rssBefore;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
    const t = performance.now();
    const summary = await importVocFolder(path.join(work, "pngs"), { name: "pngs", db, store });
    const seconds = (performance.now() - t) / 1000;
    clearInterval(sampler);
    rows.push({ benchmark: "VOC import, 1,000 PNGs 400x300", value: round(seconds), unit: "s", notes: `${round(PNG_COUNT / seconds)} images/s, ${summary.boxesAdded} boxes, target < 30 s` });
    rows.push({ benchmark: "  peak memory growth during it", value: round((peak - rssBefore) / 1024 / 1024), unit: "MiB", notes: `RSS ${round(peak / 1024 / 1024)} MiB at peak` });

    const datasetId = await seedBigDataset(db);
    const cases: Array<[string, Parameters<typeof listImages>[1], boolean]> = [
      ["first page, no filter", {}, false],
      ["first page, class filter", { className: "mask_weared_incorrect" }, false],
      ["first page, split + status + boxes", { split: "train", labelStatus: "labeled", minBoxes: 3 }, false],
      ["file-name search", { q: "img_04" }, false],
      ["deep page (after 40,000)", {}, true],
    ];
    for (const [label, filter, deep] of cases) {
      const after = deep ? Buffer.from("images/img_040000.png").toString("base64url") : undefined;
      const sample = await listImages(datasetId, filter, { after, limit: 100 }, db);
      if (sample.items.length !== 100) throw new Error(`bench "${label}" returned ${sample.items.length} images, not a full page`);
      const times = await timeRuns(async () => JSON.stringify(await listImages(datasetId, filter, { after, limit: 100 }, db)), 30);
      rows.push({ benchmark: `image page, 50k images: ${label}`, value: round(percentile(times, 95), 1), unit: "ms p95", notes: `p50 ${round(percentile(times, 50), 1)} ms, 100 per page, target p95 < 100 ms` });
      if (deep) continue;
      const counts = await timeRuns(() => countImages(datasetId, filter, db), 10);
      rows.push({ benchmark: `  its match count`, value: round(percentile(counts, 95), 1), unit: "ms p95", notes: `separate request, shown after the page` });
    }
    const stats = await timeRuns(() => datasetStatistics(datasetId, db), 3, 1);
    const boxes = await db.box.count({ where: { image: { datasetId } } });
    rows.push({ benchmark: "statistics page data, 50k images", value: round(percentile(stats, 50)), unit: "ms", notes: `${boxes} boxes, median of 3` });
  });
  return rows;
}
