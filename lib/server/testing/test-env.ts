import { copyFile, mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { inject } from "vitest";
import { createDb, type Db } from "../platform/db";
import { writeSampleDataset } from "../datasets/sample-dataset";
import { LocalBlobStore } from "../platform/storage";
import { importVocFolder, type ImportSummary } from "../datasets/voc-import";

export interface TestEnv {
  dir: string;
  db: Db;
  store: LocalBlobStore;
  cleanup: () => Promise<void>;
}

/**
 * A fresh data directory with a migrated SQLite database and a blob store inside it. DATA_DIR
 * points at it until cleanup, so code that finds its folders through config lands there too.
 */
export async function createTestEnv(): Promise<TestEnv> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "masklab-test-"));
  const file = path.join(dir, "masklab.db");
  await copyFile(inject("templateDatabase"), file);
  const db = createDb(`file:${file}`);
  const previousDataDir = process.env.DATA_DIR;
  process.env.DATA_DIR = dir;
  // Code that uses the process-wide client (route handlers) talks to this database too.
  const globalForDb = globalThis as unknown as { masklabDb?: Db };
  const previousDb = globalForDb.masklabDb;
  globalForDb.masklabDb = db;
  return {
    dir,
    db,
    store: new LocalBlobStore(path.join(dir, "blobs")),
    cleanup: async () => {
      if (previousDataDir === undefined) delete process.env.DATA_DIR;
      else process.env.DATA_DIR = previousDataDir;
      globalForDb.masklabDb = previousDb;
      await db.$disconnect();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export interface SampleTestEnv extends TestEnv {
  /** the generated VOC folder (inside dir, removed with it) */
  folder: string;
  summary: ImportSummary;
}

/**
 * A test env whose database already holds an imported synthetic sample; `prepare` may change
 * the generated files before the import.
 */
export async function createSampleTestEnv(sample: { count: number; seed: number }, prepare?: (folder: string) => Promise<void>): Promise<SampleTestEnv> {
  const env = await createTestEnv();
  const folder = path.join(env.dir, "sample-voc");
  await writeSampleDataset(folder, sample);
  await prepare?.(folder);
  const summary = await importVocFolder(folder, { name: "sample", db: env.db, store: env.store });
  return { ...env, folder, summary };
}
