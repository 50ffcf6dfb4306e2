import Database from "better-sqlite3";
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { describe, expect, inject, it } from "vitest";
import { createTestEnv, testEngines, type TestEngine } from "../testing/test-env";
import { runSql, withDatabase } from "../testing/postgres-cluster";
import { POSTGRES_SCHEMA_PATH, postgresSchemaFrom } from "./postgres-schema";

const run = promisify(execFile);
const SCHEMA: Record<TestEngine, string> = { sqlite: "prisma/schema.prisma", postgresql: POSTGRES_SCHEMA_PATH };

/** The Prisma CLI (offline, as npm run prisma runs it) against one database; its stdout. */
async function prisma(url: string, args: string[]): Promise<string> {
  const { stdout } = await run(process.execPath, ["workers/cli/prisma.mjs", ...args], { env: { ...process.env, DATABASE_URL: url }, maxBuffer: 16 * 1024 * 1024 });
  return stdout;
}

/** An empty database of the engine that holds exactly what the schema file declares. */
async function declaredDatabase(engine: TestEngine): Promise<{ url: string; drop: () => Promise<void> }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "masklab-declared-"));
  const file = path.join(dir, "declared.db");
  // migrate diff opens the engine's adapter, so it needs a database of that engine (one it does not change).
  const script = await prisma(engine === "postgresql" ? inject("postgresUrl") : `file:${file}`, [
    "migrate",
    "diff",
    "--from-empty",
    "--to-schema-datamodel",
    SCHEMA[engine],
    "--script",
  ]);
  if (engine === "postgresql") {
    const name = `masklab_declared_${randomBytes(6).toString("hex")}`;
    await runSql(inject("postgresUrl"), [`CREATE DATABASE "${name}"`]);
    const url = withDatabase(inject("postgresUrl"), name);
    await runSql(url, [script]);
    await rm(dir, { recursive: true, force: true });
    return { url, drop: () => runSql(inject("postgresUrl"), [`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`]) };
  }
  await rm(file, { force: true });
  const sqlite = new Database(file);
  sqlite.exec(script);
  sqlite.close();
  return { url: `file:${file}`, drop: () => rm(dir, { recursive: true, force: true }) };
}

/**
 * An introspected datamodel with what does not matter to the database left out: column order
 * (SQLite's ADD COLUMN appends), alignment and blank lines. Each field keeps its doc comment.
 */
function normalized(datamodel: string): string[] {
  const blocks: string[] = [];
  let fields: string[] | null = null;
  let header = "";
  let pending: string[] = [];
  for (const raw of datamodel.split("\n")) {
    const line = raw.trim().replace(/\s+/g, " ");
    if (!line) continue;
    if (fields === null) {
      if (line.endsWith("{")) [header, fields] = [line, []];
      else blocks.push(line);
    } else if (line === "}") {
      blocks.push([header, ...fields.sort(), "}"].join("\n"));
      fields = null;
    } else if (line.startsWith("///")) {
      pending.push(line);
    } else {
      fields.push([...pending, line].join("\n"));
      pending = [];
    }
  }
  return blocks.sort();
}

describe("the PostgreSQL schema", () => {
  it("is prisma/schema.prisma with the PostgreSQL datasource (npm run postgres-schema rewrites it)", async () => {
    const derived = postgresSchemaFrom(await readFile("prisma/schema.prisma", "utf8"));
    expect(await readFile(POSTGRES_SCHEMA_PATH, "utf8"), "prisma/postgresql/schema.prisma is stale: run npm run postgres-schema").toBe(derived);
  });
});

describe.each(testEngines())("the committed %s migrations", (engine) => {
  it("build exactly the database the schema declares", { timeout: 120_000 }, async () => {
    // createTestEnv copies the template that global-setup migrated with the committed history.
    const migrated = await createTestEnv({ engine });
    const declared = await declaredDatabase(engine);
    try {
      // Introspection of both (tables, columns, types, defaults, keys, indexes) must agree.
      const [fromMigrations, fromSchema] = await Promise.all([prisma(migrated.url, ["db", "pull", "--print"]), prisma(declared.url, ["db", "pull", "--print"])]);
      expect(normalized(fromMigrations), `prisma/${engine === "postgresql" ? "postgresql/" : ""}migrations and ${SCHEMA[engine]} differ: add a migration (prisma/postgresql/README.md)`).toEqual(normalized(fromSchema));
    } finally {
      await migrated.cleanup();
      await declared.drop();
    }
  });
});
