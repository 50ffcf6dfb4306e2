import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { createDb, type Db } from "@/lib/server/platform/db";
import { migrateDatabase } from "@/lib/server/platform/migrate";
import { LocalBlobStore } from "@/lib/server/platform/storage";

export interface BenchRow {
  benchmark: string;
  value: number | string;
  unit: string;
  notes: string;
}

/** Nearest-rank percentiles, the definition the stored latency benchmarks use too. */
export { percentile } from "@/lib/domain/percentile";

/** Runs fn `runs` times after `warmup` untimed runs; returns sorted milliseconds. */
export async function timeRuns(fn: () => Promise<unknown>, runs: number, warmup = 3): Promise<number[]> {
  for (let i = 0; i < warmup; i++) await fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await fn();
    times.push(performance.now() - t);
  }
  return times.sort((a, b) => a - b);
}

export const round = (value: number, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits;

export interface BenchEnv {
  work: string;
  db: Db;
  store: LocalBlobStore;
}

/** Runs a suite in a throwaway data directory with a migrated database, removed afterwards. */
export async function withBenchEnv<T>(name: string, suite: (env: BenchEnv) => Promise<T>): Promise<T> {
  const work = await mkdtemp(path.join(os.tmpdir(), `masklab-bench-${name}-`));
  const url = `file:${path.join(work, "bench.db")}`;
  process.env.DATA_DIR = work;
  await migrateDatabase(url);
  const db = createDb(url);
  try {
    return await suite({ work, db, store: new LocalBlobStore(path.join(work, "blobs")) });
  } finally {
    await db.$disconnect();
    await rm(work, { recursive: true, force: true });
  }
}
