import { mkdir } from "node:fs/promises";
import path from "node:path";
import { databaseUrl, dataDir } from "./config";
import { createDb } from "./db";
import { runNodeScript } from "./run-process";

const PRISMA_CLI = path.resolve("workers/cli/prisma.mjs");

/**
 * Creates the data directory and applies committed migrations (`prisma migrate deploy`, the
 * same command a PostgreSQL deployment runs). Safe to call on every start.
 */
export async function migrateDatabase(url: string = databaseUrl()): Promise<void> {
  await mkdir(dataDir(), { recursive: true });
  const file = url.startsWith("file:") ? url.slice(5) : null;
  if (file) await mkdir(path.dirname(file), { recursive: true });
  await runNodeScript(PRISMA_CLI, ["migrate", "deploy"], { ...process.env, DATABASE_URL: url }, "database migration");
  if (file) await enableWriteAheadLog(url);
}

/**
 * The web server and the worker share one SQLite file; WAL lets readers proceed while one
 * writes. The setting is stored in the file, so once is enough.
 */
async function enableWriteAheadLog(url: string): Promise<void> {
  const client = createDb(url);
  try {
    await client.$queryRawUnsafe("PRAGMA journal_mode = WAL");
  } finally {
    await client.$disconnect();
  }
}

