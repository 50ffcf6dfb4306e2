import { randomBytes } from "node:crypto";
import { copyFile, mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { setTimeout } from "node:timers/promises";
import { inject } from "vitest";
import { createDb, type Db } from "../platform/db";
import { migrateDatabase } from "../platform/migrate";
import { writeSampleDataset } from "../datasets/sample-dataset";
import { LocalBlobStore } from "../platform/storage";
import { importVocFolder, type ImportSummary } from "../datasets/voc-import";
import { runSql, withDatabase } from "./postgres-cluster";

export const TEST_ENGINES = ["sqlite", "postgresql"] as const;
export type TestEngine = (typeof TEST_ENGINES)[number];

export interface TestEnv {
  engine: TestEngine;
  dir: string;
  /** the database's URL, for child processes (DATABASE_URL) */
  url: string;
  db: Db;
  store: LocalBlobStore;
  cleanup: () => Promise<void>;
}

export interface TestEnvOptions {
  /** default: MASKLAB_TEST_ENGINE (the "postgresql" vitest project sets it), else sqlite */
  engine?: TestEngine;
}

/** The engines this run can test: SQLite always, PostgreSQL when global-setup found a server. */
export function testEngines(): TestEngine[] {
  return inject("postgresUrl") ? ["sqlite", "postgresql"] : ["sqlite"];
}

// Live envs' databases by data directory, so a CLI run on an env's folder finds its database too.
const databaseUrlByDir = new Map<string, string>();

/** The database of the live test env whose data directory is `dir`, if any. */
export function testDatabaseUrl(dir: string): string | undefined {
  return databaseUrlByDir.get(path.resolve(dir));
}

function defaultEngine(): TestEngine {
  return process.env.MASKLAB_TEST_ENGINE === "postgresql" ? "postgresql" : "sqlite";
}

/**
 * A fresh data directory with a blob store inside it and a migrated database: a copy of the
 * template SQLite file inside the directory, or a new PostgreSQL database made from the migrated
 * template (dropped at cleanup). DATA_DIR points at the directory until cleanup (on PostgreSQL,
 * DATABASE_URL at the database too), so code that finds them through config lands there.
 */
export async function createTestEnv(options: TestEnvOptions = {}): Promise<TestEnv> {
  const engine = options.engine ?? defaultEngine();
  const dir = await mkdtemp(path.join(os.tmpdir(), "masklab-test-"));
  const database = engine === "postgresql" ? await createPostgresDatabase() : await copySqliteTemplate(dir);
  const db = createDb(database.url);
  databaseUrlByDir.set(dir, database.url);
  const previousEnv = { DATA_DIR: process.env.DATA_DIR, DATABASE_URL: process.env.DATABASE_URL };
  process.env.DATA_DIR = dir;
  if (engine === "postgresql") process.env.DATABASE_URL = database.url;
  // Code that uses the process-wide client (route handlers) talks to this database too.
  const globalForDb = globalThis as unknown as { masklabDb?: Db };
  const previousDb = globalForDb.masklabDb;
  globalForDb.masklabDb = db;
  return {
    engine,
    dir,
    url: database.url,
    db,
    store: new LocalBlobStore(path.join(dir, "blobs")),
    cleanup: async () => {
      for (const [name, value] of Object.entries(previousEnv)) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
      globalForDb.masklabDb = previousDb;
      databaseUrlByDir.delete(dir);
      await db.$disconnect();
      await database.drop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

async function copySqliteTemplate(dir: string) {
  const file = path.join(dir, "masklab.db");
  await copyFile(inject("templateDatabase"), file);
  return { url: `file:${file}`, drop: async () => undefined };
}

async function createPostgresDatabase() {
  const server = inject("postgresUrl");
  if (!server) throw new Error("no PostgreSQL server for this test run (global-setup printed why); use testEngines() to skip");
  const template = inject("postgresTemplate");
  templateReady ??= ensurePostgresTemplate(server, template);
  await templateReady;
  const name = `masklab_test_${process.pid}_${randomBytes(6).toString("hex")}`;
  await runSql(server, [`CREATE DATABASE "${name}" TEMPLATE "${template}"`]);
  return { url: withDatabase(server, name), drop: () => runSql(server, [`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`]) };
}

let templateReady: Promise<void> | undefined;

/**
 * The run's PostgreSQL template, migrated with the committed migrations by whichever test process
 * needs it first: it creates <template>_migrating (the lock), migrates it and renames it; the
 * others wait for the name to appear.
 */
async function ensurePostgresTemplate(server: string, template: string): Promise<void> {
  const migrating = `${template}_migrating`;
  for (const deadline = Date.now() + 90_000; ; await setTimeout(200)) {
    if (await databaseExists(server, template)) return;
    try {
      await runSql(server, [`CREATE DATABASE "${migrating}"`]);
    } catch (error) {
      if ((error as { code?: string }).code !== "42P04") throw error; // 42P04: another process is migrating
      if (Date.now() > deadline) throw new Error(`the PostgreSQL template ${template} was not ready after 90 s`);
      continue;
    }
    if (await databaseExists(server, template)) {
      // Renamed by another process between the two statements.
      await runSql(server, [`DROP DATABASE "${migrating}"`]);
      return;
    }
    const dir = await mkdtemp(path.join(os.tmpdir(), "masklab-template-"));
    try {
      await migrateDatabase(withDatabase(server, migrating), dir);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    await runSql(server, [`ALTER DATABASE "${migrating}" RENAME TO "${template}"`]);
    return;
  }
}

async function databaseExists(server: string, name: string): Promise<boolean> {
  const { Client } = (await import("pg")).default;
  const client = new Client({ connectionString: server });
  await client.connect();
  try {
    return (await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [name])).rowCount === 1;
  } finally {
    await client.end();
  }
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
export async function createSampleTestEnv(
  sample: { count: number; seed: number },
  prepare?: (folder: string) => Promise<void>,
  options: TestEnvOptions = {},
): Promise<SampleTestEnv> {
  const env = await createTestEnv(options);
  const folder = path.join(env.dir, "sample-voc");
  await writeSampleDataset(folder, sample);
  await prepare?.(folder);
  const summary = await importVocFolder(folder, { name: "sample", db: env.db, store: env.store });
  return { ...env, folder, summary };
}
