import { existsSync } from "node:fs";
import { readdir, readFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import sharp from "sharp";
import { generateScene, sceneToSvg } from "@/lib/domain/synthetic-scene";
import { createApiKey } from "@/lib/server/auth/api-keys";
import { promoteModelVersion } from "@/lib/server/models/model-registry";
import { registerServedModel } from "@/lib/server/testing/served-model";
import { withAppUnderTest } from "./app-under-test";
import { percentile, round, type BenchRow } from "./bench-row";

const PORT = 3414;
const CLIENTS = 16;
/** How long each concurrency level is measured (after a warm-up), seconds. */
const SECONDS = Number(process.env.MASKLAB_BENCH_SERVING_SECONDS ?? 20);
/** The model the monitoring bench serves too: MLD-1S-n at 416 px, the pretrained face backbone. */
const INPUT_SIZE = 416;

interface Measured {
  requestsPerSecond: number;
  p50: number;
  p95: number;
  answered: number;
  refused: number;
  /** CPU this bench process (the HTTP clients) spent per answered request: it shares the server's cores */
  clientCpuMs: number;
}

/**
 * Serving over real HTTP: `npm start` (the built Next.js server) on a throwaway data folder with a
 * model promoted, then 1 and 16 clients posting photos to /api/v1/predict with an API key, for
 * SERVE_THREADS=1 and SERVE_THREADS=cores. The queue limit is raised so that no request is
 * refused (the default, 8 per thread, would refuse some of 16 clients on one thread, by design);
 * refusals are counted anyway.
 */
export async function servingBenchmarks(): Promise<BenchRow[]> {
  const { images, source } = await benchPhotos();
  const cores = os.availableParallelism();
  const rows: BenchRow[] = [];
  const figures = new Map<number, { single: Measured; many: Measured }>();
  for (const threads of [...new Set([1, cores])]) {
    const measured = await withEnv({ SERVE_THREADS: String(threads), SERVE_QUEUE_LIMIT: String(4 * CLIENTS), PREDICT_REQUESTS_PER_MINUTE: "1000000", MONITOR_INTERVAL_SECONDS: "86400" }, () =>
      withAppUnderTest(`serving-${threads}`, PORT, async (app) => {
        const dataset = await app.db.dataset.findFirstOrThrow({ orderBy: { createdAt: "asc" } });
        const version = await registerServedModel(dataset.id, { store: app.store, db: app.db }, INPUT_SIZE);
        await promoteModelVersion(version.id, { db: app.db });
        const admin = await app.db.user.findFirstOrThrow({ where: { role: "admin" } });
        const { key } = await createApiKey({ name: "serving bench", scopes: ["predict"], createdById: admin.id }, app.db);
        const post = (n: number) => predict(app.base, key, images[n % images.length]!);
        await runClients(post, 2 * threads, 2); // every thread loads the model and runs it once or twice
        return { single: await runClients(post, 1, SECONDS), many: await runClients(post, CLIENTS, SECONDS) };
      }),
    );
    figures.set(threads, measured);
    const common = `MLD-1S-n ${INPUT_SIZE} px, ${source}; HTTP + auth + decode + inference + log`;
    rows.push(row(`serving: SERVE_THREADS=${threads}, 1 client`, measured.single, common));
    rows.push(row(`serving: SERVE_THREADS=${threads}, ${CLIENTS} clients`, measured.many, common));
  }
  const one = figures.get(1)!;
  const all = figures.get(cores);
  if (all && cores > 1) {
    const speedUp = all.many.requestsPerSecond / one.many.requestsPerSecond;
    rows.push({ benchmark: `serving: ${cores} threads vs 1, ${CLIENTS} clients`, value: round(speedUp, 2), unit: "×", notes: `throughput; goal ≥ 1.8× on 2 cores: ${speedUp >= 1.8 ? "met" : "not met"}` });
    const bound = 2 * all.single.p50 * (CLIENTS / cores);
    rows.push({ benchmark: `serving: p95 at ${CLIENTS} clients, ${cores} threads`, value: round(all.many.p95, 0), unit: "ms", notes: `goal < 2 × single-client p50 (${round(all.single.p50, 0)} ms) × ${CLIENTS}/${cores} = ${round(bound, 0)} ms: ${all.many.p95 < bound ? "met" : "not met"}` });
  }
  return rows;
}

function row(benchmark: string, m: Measured, common: string): BenchRow {
  return { benchmark, value: round(m.requestsPerSecond, 1), unit: "req/s", notes: `p50 ${round(m.p50, 0)} ms, p95 ${round(m.p95, 0)} ms; ${m.answered} answered, ${m.refused} refused (503) in ${SECONDS} s; clients' own CPU ${round(m.clientCpuMs, 1)} ms/request; ${common}` };
}

/** One POST /api/v1/predict: "ok", "refused" (503, the queue is full) or an error. */
async function predict(base: string, key: string, image: Buffer): Promise<"ok" | "refused"> {
  const response = await fetch(`${base}/api/v1/predict?source=bench`, { method: "POST", headers: { Authorization: `Bearer ${key}`, "Content-Type": "image/jpeg" }, body: new Uint8Array(image) });
  const text = await response.text();
  if (response.status === 503 && response.headers.has("retry-after")) return "refused";
  if (response.status !== 200) throw new Error(`predict answered ${response.status}: ${text.slice(0, 300)}`);
  return "ok";
}

/** `clients` loops posting one request after another for `seconds`; the latencies of the answered ones. */
async function runClients(post: (n: number) => Promise<"ok" | "refused">, clients: number, seconds: number): Promise<Measured> {
  const latencies: number[] = [];
  let refused = 0;
  let sent = 0;
  const started = performance.now();
  const deadline = started + seconds * 1000;
  let finished = started;
  const cpu = process.cpuUsage();
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (performance.now() < deadline) {
        const t = performance.now();
        const outcome = await post(sent++);
        finished = performance.now();
        if (outcome === "refused") refused++;
        else latencies.push(finished - t);
      }
    }),
  );
  const { user, system } = process.cpuUsage(cpu);
  latencies.sort((a, b) => a - b);
  return { requestsPerSecond: latencies.length / ((finished - started) / 1000), p50: percentile(latencies, 50), p95: percentile(latencies, 95), answered: latencies.length, refused, clientCpuMs: (user + system) / 1000 / Math.max(1, latencies.length) };
}

/** facemask-dev's photos (MASKLAB_REAL_DATASET), else synthetic scenes as JPEG: the source is named in the notes. */
async function benchPhotos(): Promise<{ images: Buffer[]; source: string }> {
  const dir = path.resolve(process.env.MASKLAB_REAL_DATASET ?? "../shared/datasets/facemask-dev", "JPEGImages");
  if (existsSync(dir)) {
    const files = (await readdir(dir)).filter((f) => /\.jpe?g$/i.test(f)).sort().slice(0, 40);
    if (files.length > 0) return { images: await Promise.all(files.map((f) => readFile(path.join(dir, f)))), source: `${files.length} facemask-dev photos` };
  }
  console.warn(`[bench] ${dir} is absent: serving synthetic scenes instead of real photos`);
  return { images: await Promise.all(Array.from({ length: 8 }, (_, i) => sharp(Buffer.from(sceneToSvg(generateScene(3, i)))).jpeg().toBuffer())), source: "8 synthetic scenes (facemask-dev absent)" };
}

/** Runs `work` with these environment variables set (the app under test inherits them), restoring them after. */
async function withEnv<T>(values: Record<string, string>, work: () => Promise<T>): Promise<T> {
  const previous = Object.fromEntries(Object.keys(values).map((name) => [name, process.env[name]]));
  Object.assign(process.env, values);
  try {
    return await work();
  } finally {
    for (const [name, value] of Object.entries(previous)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
}
