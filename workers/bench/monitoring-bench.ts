import { existsSync } from "node:fs";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import Database from "better-sqlite3";
import sharp from "sharp";
import { encodeCompactEmbedding, encodeEmbedding } from "@/lib/domain/drift/embedding-bytes";
import { buildReferences, type ObservedPrediction } from "@/lib/domain/drift/features";
import { meanVector } from "@/lib/domain/drift/embedding";
import { SeededRandom } from "@/lib/domain/random";
import { generateScene, sceneToSvg } from "@/lib/domain/synthetic-scene";
import { FACEMASK_CLASSES } from "@/lib/domain/classes";
import { promoteModelVersion } from "@/lib/server/models/model-registry";
import { baselineView, bootstrapTable } from "@/lib/server/monitoring/baselines";
import { computeDriftReport } from "@/lib/server/monitoring/drift-reports";
import { embeddingSum, windowCounts, windowEmbeddingSum } from "@/lib/server/monitoring/window-counts";
import { ModelServer } from "@/lib/server/serving/model-server";
import { predictImage } from "@/lib/server/serving/predict";
import { registerServedModel } from "@/lib/server/testing/served-model";
import { percentile, round, withBenchEnv, type BenchRow } from "./bench-row";

const LOG_ROWS = Number(process.env.MASKLAB_BENCH_LOG_ROWS ?? 1_000_000);
const START_MINUTE = Math.floor(Date.parse("2026-11-01T00:00:00Z") / 60_000);
/** One prediction every 0.6 s: 1M rows span about a week. */
const ROWS_PER_MINUTE = 100;

/** Drift at scale (1M logged predictions) and serving latency (1 and 16 concurrent clients). */
export async function monitoringBenchmarks(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  await withBenchEnv("monitoring", async ({ work, db, store }) => {
    const dataset = await db.dataset.create({ data: { name: "bench", classes: [...FACEMASK_CLASSES] } });
    const version = await registerServedModel(dataset.id, { store, db }, 416);

    // ── drift over a 1M-row log ──
    const rng = new SeededRandom(5);
    const synthetic = (): ObservedPrediction => {
      const boxes = Array.from({ length: Math.floor(rng.next() * 5) }, () => ({ className: FACEMASK_CLASSES[Math.floor(rng.next() * 3)]!, score: 0.25 + 0.75 * rng.next(), relativeSize: 0.02 + 0.3 * rng.next() }));
      return { brightness: 0.3 + 0.4 * rng.next(), contrast: 0.1 + 0.2 * rng.next(), sharpness: 0.001 + 0.05 * rng.next(), imageWidth: 400 + Math.floor(rng.next() * 400), imageHeight: 300 + Math.floor(rng.next() * 300), boxes };
    };
    // Embeddings share a direction (as real pooled features do) plus per-image noise.
    const vector = () => Float32Array.from({ length: 128 }, (_, i) => 0.2 + (i % 7) * 0.05 + 0.3 * rng.next());
    const reference = Array.from({ length: 1000 }, synthetic);
    const referenceVectors = Array.from({ length: 1000 }, vector);
    const baselineRow = await db.baseline.create({
      data: {
        modelVersionId: version.id, source: "split", split: "val+test", predictionCount: reference.length,
        reference: buildReferences(reference, FACEMASK_CLASSES) as object,
        embeddingMean: Buffer.from(encodeEmbedding(meanVector(referenceVectors))),
        bootstrap: bootstrapTable(referenceVectors) as object[],
      },
    });
    await db.$disconnect();

    const insertStarted = performance.now();
    const sqlite = new Database(path.join(work, "bench.db"));
    const insertPrediction = sqlite.prepare(`INSERT INTO "Prediction" ("id","modelVersionId","createdAt","minute","source","imageWidth","imageHeight","brightness","contrast","sharpness","boxCount","maxScore","detections","summary","latencyMs","embedding") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,'[]','{}',?,?)`);
    const insertBox = sqlite.prepare(`INSERT INTO "PredictionBox" ("predictionId","modelVersionId","minute","className","score","relativeSize") VALUES (?,?,?,?,?,?)`);
    let boxes = 0;
    const insertMany = sqlite.transaction((from: number, to: number) => {
      for (let i = from; i < to; i++) {
        const p = synthetic();
        const minute = START_MINUTE + Math.floor(i / ROWS_PER_MINUTE);
        const id = `p${i.toString(36).padStart(8, "0")}`;
        insertPrediction.run(id, version.id, new Date(minute * 60_000).toISOString(), minute, `cam-${i % 4}`, p.imageWidth, p.imageHeight, p.brightness, p.contrast, p.sharpness, p.boxes.length, p.boxes.length ? Math.max(...p.boxes.map((b) => b.score)) : null, 100, Buffer.from(encodeCompactEmbedding(vector())));
        for (const b of p.boxes) insertBox.run(id, version.id, minute, b.className, b.score, b.relativeSize);
        boxes += p.boxes.length;
      }
    });
    for (let from = 0; from < LOG_ROWS; from += 50_000) insertMany(from, Math.min(LOG_ROWS, from + 50_000));
    sqlite.close();
    rows.push({ benchmark: "prediction log fill (bench set-up)", value: round((performance.now() - insertStarted) / 1000), unit: "s", notes: `${LOG_ROWS.toLocaleString("en")} predictions + ${boxes.toLocaleString("en")} boxes, raw inserts` });

    const window = { modelVersionId: version.id, startMinute: START_MINUTE, endMinute: START_MINUTE + Math.ceil(LOG_ROWS / ROWS_PER_MINUTE) };
    const baseline = baselineView(await db.baseline.findUniqueOrThrow({ where: { id: baselineRow.id } }));
    let t = performance.now();
    const counts = await windowCounts(window, baseline.references, db);
    rows.push({ benchmark: "drift window: per-bin counts in SQL", value: round((performance.now() - t) / 1000, 2), unit: "s", notes: `${counts.predictionCount.toLocaleString("en")} predictions, 9 features, 2 scans + 1 GROUP BY` });
    t = performance.now();
    const streamed = await embeddingSum(window, db);
    rows.push({ benchmark: "drift window: mean embedding, streamed", value: round((performance.now() - t) / 1000, 2), unit: "s", notes: `${streamed.count.toLocaleString("en")} × 128-d int8 read row by row: the cost without rollups` });
    t = performance.now();
    await windowEmbeddingSum(window, db);
    rows.push({ benchmark: "drift window: hourly embedding rollups, built", value: round((performance.now() - t) / 1000, 2), unit: "s", notes: `${Math.ceil(LOG_ROWS / ROWS_PER_MINUTE / 60)} closed hours, each streamed once (the monitor does this an hour at a time)` });
    t = performance.now();
    const report = await computeDriftReport(baseline, window, "on_demand", db);
    rows.push({ benchmark: "drift report, all metrics, 1M-row window", value: round((performance.now() - t) / 1000, 2), unit: "s", notes: `PSI + KL × 9 features + cosine from rollups; stored; status ${report.evaluation.status}` });
    const hour = { startMinute: window.endMinute - 60, endMinute: window.endMinute };
    t = performance.now();
    await computeDriftReport(baseline, hour, "on_demand", db);
    rows.push({ benchmark: "drift report, hourly window of that log", value: round(performance.now() - t, 0), unit: "ms", notes: `${ROWS_PER_MINUTE * 60} predictions (the monitor's default window)` });

    // ── serving ──
    await promoteModelVersion(version.id, { db });
    // 16 in-process clients at once: a queue that holds them all, whatever the core count.
    const server = new ModelServer({ store, db }, { queueLimit: 64 });
    const images = await servingImages();
    await predictImage(images[0]!, {}, { server, store, db }); // load + warm up
    const single: number[] = [];
    for (let i = 0; i < 30; i++) {
      const started = performance.now();
      await predictImage(images[i % images.length]!, { source: "bench" }, { server, store, db });
      single.push(performance.now() - started);
    }
    single.sort((a, b) => a - b);
    rows.push({ benchmark: "predict, 1 client (in process)", value: round(percentile(single, 50), 0), unit: "ms p50", notes: `p95 ${round(percentile(single, 95), 0)} ms; MLD-1S-n 416 px, ${images.length > 10 ? "real photos" : "synthetic scenes"}, decode + stats + detect + embedding + log` });
    const clients = 16;
    const perClient = 6;
    const latencies: number[] = [];
    t = performance.now();
    await Promise.all(Array.from({ length: clients }, async (_, c) => {
      for (let k = 0; k < perClient; k++) {
        const started = performance.now();
        await predictImage(images[(c * perClient + k) % images.length]!, { source: "bench" }, { server, store, db });
        latencies.push(performance.now() - started);
      }
    }));
    const seconds = (performance.now() - t) / 1000;
    latencies.sort((a, b) => a - b);
    rows.push({ benchmark: "predict, 16 concurrent clients", value: round((clients * perClient) / seconds, 1), unit: "req/s", notes: `p50 ${round(percentile(latencies, 50), 0)} ms, p95 ${round(percentile(latencies, 95), 0)} ms; ${(await server.threads()).length} inference thread(s) (SERVE_THREADS), ${clients * perClient} requests` });
  });
  return rows;
}

async function servingImages(): Promise<Buffer[]> {
  const dir = path.resolve(process.env.MASKLAB_REAL_DATASET ?? "../shared/datasets/facemask-dev", "JPEGImages");
  if (existsSync(dir)) {
    const files = (await readdir(dir)).sort().slice(0, 40);
    return Promise.all(files.map((f) => readFile(path.join(dir, f))));
  }
  return Promise.all(Array.from({ length: 8 }, (_, i) => sharp(Buffer.from(sceneToSvg(generateScene(3, i)))).jpeg().toBuffer()));
}
