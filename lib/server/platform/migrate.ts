import { mkdir, readdir } from "node:fs/promises";
import path from "node:path";
import { databaseUrl, dataDir, isPostgresUrl } from "./config";
import { createDb } from "./db";
import { runNodeScript } from "./run-process";

const PRISMA_CLI = path.resolve("workers/cli/prisma.mjs");

/** Each engine has its own history, kept in step (prisma/postgresql/README.md). */
export function migrationsDir(url: string): string {
  return path.resolve(isPostgresUrl(url) ? "prisma/postgresql/migrations" : "prisma/migrations");
}

/**
 * Creates the data directory and applies the engine's committed migrations (`prisma migrate
 * deploy`; prisma.config.ts picks the schema and adapter from the URL). Safe to call on every start.
 */
export async function migrateDatabase(url: string = databaseUrl(), directory: string = dataDir()): Promise<void> {
  await mkdir(directory, { recursive: true });
  const file = url.startsWith("file:") ? url.slice(5) : null;
  if (file) await mkdir(path.dirname(file), { recursive: true });
  // Skipping the CLI when nothing is pending keeps starts fast and lets tools (npm run import)
  // run beside a live app, whose open connections would make the migration engine time out.
  if ((await pendingMigrations(url)).length === 0) return;
  await runNodeScript(PRISMA_CLI, ["migrate", "deploy"], { ...process.env, DATABASE_URL: url }, "database migration");
  if (file) await enableWriteAheadLog(url);
}

/** Committed migrations the database has not applied yet (all of them for a new database). */
export async function pendingMigrations(url: string = databaseUrl()): Promise<string[]> {
  const committed = (await readdir(migrationsDir(url), { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name);
  const client = createDb(url);
  try {
    const rows = await client.$queryRawUnsafe<{ migration_name: string }[]>(
      'SELECT migration_name FROM "_prisma_migrations" WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL',
    );
    const applied = new Set(rows.map((r) => r.migration_name));
    return committed.filter((name) => !applied.has(name)).sort();
  } catch {
    return committed.sort();
  } finally {
    await client.$disconnect();
  }
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

