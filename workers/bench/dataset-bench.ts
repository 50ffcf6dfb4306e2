import { existsSync } from "node:fs";
import path from "node:path";
import { listDatasetSummaries } from "@/lib/server/datasets/datasets";
import { checkHealth } from "@/lib/server/platform/health";
import { writeSampleDataset } from "@/lib/server/datasets/sample-dataset";
import { importVocFolder } from "@/lib/server/datasets/voc-import";
import { percentile, round, timeRuns, withBenchEnv, type BenchRow } from "./bench-row";

/** The real dataset, when this machine has it: never part of `npm test`. */
function realDatasetDir(): string | null {
  const dir = process.env.MASKLAB_REAL_DATASET ?? path.resolve("../shared/datasets/facemask-dev");
  return existsSync(dir) ? dir : null;
}

export async function datasetBenchmarks(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  await withBenchEnv("datasets", async ({ work, db, store }) => {

    const count = 200;
    let t = performance.now();
    await writeSampleDataset(path.join(work, "sample"), { count, seed: 1 });
    const genSeconds = (performance.now() - t) / 1000;
    rows.push({ benchmark: "sample generation (SVG → JPEG)", value: round(count / genSeconds), unit: "images/s", notes: `${count} images, 2 in flight` });

    t = performance.now();
    const sample = await importVocFolder(path.join(work, "sample"), { name: "sample", db, store });
    const importSeconds = (performance.now() - t) / 1000;
    rows.push({ benchmark: "VOC import, synthetic sample", value: round(count / importSeconds), unit: "images/s", notes: `${sample.boxesAdded} boxes, cold database` });

    t = performance.now();
    await importVocFolder(path.join(work, "sample"), { name: "sample", db, store });
    rows.push({ benchmark: "VOC re-import, nothing changed", value: round(count / ((performance.now() - t) / 1000)), unit: "images/s", notes: "hash + compare, no writes" });

    const real = realDatasetDir();
    if (real) {
      t = performance.now();
      const summary = await importVocFolder(real, { name: "facemask-dev", db, store });
      const seconds = (performance.now() - t) / 1000;
      rows.push({
        benchmark: "VOC import, real facemask-dev",
        value: round(summary.imagesAdded / seconds),
        unit: "images/s",
        notes: `${summary.imagesAdded} images, ${summary.boxesAdded} boxes, ${summary.issues.length} issues`,
      });
    } else {
      rows.push({ benchmark: "VOC import, real facemask-dev", value: "–", unit: "", notes: "skipped: set MASKLAB_REAL_DATASET" });
    }

    const summaries = await timeRuns(() => listDatasetSummaries(db), 50);
    rows.push({ benchmark: "dataset list with counts (p50)", value: round(percentile(summaries, 50), 2), unit: "ms", notes: `p95 ${round(percentile(summaries, 95), 2)} ms, ${real ? 2 : 1} datasets` });
    const health = await timeRuns(() => checkHealth(db), 50);
    rows.push({ benchmark: "health check (p50)", value: round(percentile(health, 50), 2), unit: "ms", notes: `p95 ${round(percentile(health, 95), 2)} ms` });
  });
  return rows;
}
