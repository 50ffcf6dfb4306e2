import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { Prisma } from "@/generated/prisma/client";
import { formatNumber } from "@/lib/presentation/format";
import { describeDatabase, isPostgresUrl } from "./config";
import { createDb, type Db } from "./db";
import { migrateDatabase, pendingMigrations } from "./migrate";

/**
 * Copies a deployment's data from one database to another (SQLite → PostgreSQL, or SQLite →
 * SQLite): the target is migrated with its engine's committed migrations, every model's rows are
 * copied parents first in pages, ids and values unchanged, and the per-table counts on both sides
 * must agree. The table list comes from the schema the client was generated from, so a new model
 * is copied without anyone remembering to add it here. Blobs (DATA_DIR/blobs) are files, not rows:
 * they do not move with the database.
 */

const SCHEMA_PATH = path.resolve("prisma/schema.prisma");
const PAGE_SIZE = 1000;
/** A big table says how far it got every this many rows. */
const PROGRESS_EVERY = 100_000;

/** A refusal before anything was copied: the message says what to do. */
export class DataMigrationRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = "DataMigrationRefused";
  }
}

export interface TableCount {
  model: string;
  source: number;
  target: number;
}

/** The copy finished but some table's counts differ (the source was written to meanwhile, or rows were lost). */
export class CountMismatchError extends Error {
  constructor(readonly counts: TableCount[]) {
    const mismatched = counts.filter((row) => row.source !== row.target);
    super(`row counts differ after the copy: ${mismatched.map((row) => `${row.model} ${row.source} in the source, ${row.target} in the target`).join("; ")}`);
    this.name = "CountMismatchError";
  }
}

export interface DataMigrationOptions {
  from: string | undefined;
  to: string | undefined;
  /** rows per read and per createMany */
  pageSize?: number;
  /** one line per step, for a terminal */
  log?: (line: string) => void;
}

/** Runs the migration; resolves to the per-table counts (which match) or throws. */
export async function migrateData(options: DataMigrationOptions): Promise<TableCount[]> {
  const log = options.log ?? (() => undefined);
  const pageSize = options.pageSize ?? PAGE_SIZE;
  const { from, to } = checkedUrls(options.from, options.to);
  const models = copyOrder(await readModels());

  if ((await pendingMigrations(from)).length > 0) {
    throw new DataMigrationRefused(`the source ${describeDatabase(from)} is not at the current schema: start Masklab on it once (npm start migrates it), then copy`);
  }
  log(`migrating the target ${describeDatabase(to)} with the committed migrations`);
  await migrateDatabase(to);

  const source = createDb(from);
  const target = createDb(to);
  try {
    const occupied = (await countAll(target, models)).filter((row) => row.count > 0);
    if (occupied.length > 0) {
      const tables = occupied.map((row) => `${row.model} (${row.count})`).join(", ");
      throw new DataMigrationRefused(`the target ${describeDatabase(to)} already holds rows: ${tables}. Copy into an empty database only.`);
    }
    for (const model of models) {
      const copied = await copyModel(model, source, target, pageSize, (done) => log(`${model.name}: ${formatNumber(done)} rows so far`));
      log(`${model.name}: ${formatNumber(copied)} rows`);
    }
    if (isPostgresUrl(to)) await advanceSequences(target, models);

    const [sourceCounts, targetCounts] = await Promise.all([countAll(source, models), countAll(target, models)]);
    const counts = models.map((model, i) => ({ model: model.name, source: sourceCounts[i]!.count, target: targetCounts[i]!.count }));
    if (counts.some((row) => row.source !== row.target)) throw new CountMismatchError(counts);
    return counts;
  } finally {
    await Promise.all([source.$disconnect(), target.$disconnect()]);
  }
}

/** Both URLs given, the source there, and not the same database (else nothing is written). */
function checkedUrls(from: string | undefined, to: string | undefined): { from: string; to: string } {
  if (!from) throw new DataMigrationRefused("--from is required: the database to copy (file:… or postgresql://…)");
  if (!to) throw new DataMigrationRefused("--to is required: the empty database to copy into (postgresql://… or file:…)");
  const [source, target] = [resolveUrl(from), resolveUrl(to)];
  if (sameDatabase(source, target)) throw new DataMigrationRefused(`--from and --to name the same database (${describeDatabase(source)})`);
  if (!isPostgresUrl(source) && !existsSync(sqliteFile(source))) throw new DataMigrationRefused(`the source ${describeDatabase(source)} does not exist`);
  return { from: source, to: target };
}

function resolveUrl(url: string): string {
  if (isPostgresUrl(url)) return url;
  const file = url.startsWith("file:") ? url.slice(5) : url;
  return `file:${path.resolve(file)}`;
}

function sqliteFile(url: string): string {
  return url.slice("file:".length);
}

/** Same engine, same server and database (whoever signs in). */
function sameDatabase(a: string, b: string): boolean {
  if (isPostgresUrl(a) !== isPostgresUrl(b)) return false;
  if (!isPostgresUrl(a)) return sqliteFile(a) === sqliteFile(b);
  const where = (url: string) => {
    const parsed = new URL(url);
    const host = parsed.searchParams.get("host") ?? parsed.hostname.toLowerCase();
    return `${host}:${parsed.port || "5432"}/${decodeURIComponent(parsed.pathname.slice(1))}`;
  };
  return where(a) === where(b);
}

// ── The models, from the schema ─────────────────────────────────────────────────────────────

export interface ModelField {
  name: string;
  type: string;
  optional: boolean;
  /** a relation to another model (no column of its own) */
  relation: boolean;
  /** for the side of a relation that holds the foreign key: its columns */
  foreignKey: string[];
  /** the column's name in the database (@map), for the sequences */
  column: string;
  autoincrement: boolean;
}

export interface ModelInfo {
  name: string;
  /** the table's name in the database (@@map) */
  table: string;
  fields: ModelField[];
  primaryKey: string[];
}

/**
 * The models of prisma/schema.prisma with their fields, primary keys and foreign keys. The
 * "prisma-client" generator exports no DMMF (Prisma.dmmf is gone), only each model's name and
 * scalar fields, so the relations are read from the schema and checked against those: a schema
 * edited without regenerating the client is refused rather than half copied.
 */
export async function readModels(schema?: string): Promise<ModelInfo[]> {
  const models = parseModels(schema ?? (await readFile(SCHEMA_PATH, "utf8")));
  const generated = Object.values(Prisma.ModelName).sort();
  const parsed = models.map((model) => model.name).sort();
  if (generated.join() !== parsed.join()) {
    throw new Error(`prisma/schema.prisma's models (${parsed.join(", ")}) differ from the generated client's (${generated.join(", ")}): run npm install (prisma generate)`);
  }
  const enums = Prisma as unknown as Record<string, Record<string, string> | undefined>;
  for (const model of models) {
    const clientFields = Object.values(enums[`${model.name}ScalarFieldEnum`] ?? {}).sort();
    const schemaFields = model.fields.filter((field) => !field.relation).map((field) => field.name).sort();
    if (clientFields.join() !== schemaFields.join()) throw new Error(`${model.name}: prisma/schema.prisma's fields differ from the generated client's: run npm install (prisma generate)`);
  }
  return models;
}

/** A small reader of Prisma schema models: enough for names, types, keys and relations. */
export function parseModels(schema: string): ModelInfo[] {
  const text = schema.split("\n").map(withoutComment).join("\n");
  const blocks = [...text.matchAll(/^\s*model\s+(\w+)\s*\{([\s\S]*?)^\s*\}/gm)];
  const names = new Set(blocks.map((block) => block[1]!));
  return blocks.map(([, name, body]) => {
    const fields: ModelField[] = [];
    let primaryKey: string[] = [];
    let table = name!;
    for (const line of body!.split("\n").map((l) => l.trim()).filter(Boolean)) {
      if (line.startsWith("@@")) {
        const id = /^@@id\(\s*(?:fields:\s*)?\[([^\]]*)\]/.exec(line);
        if (id) primaryKey = listOf(id[1]!);
        const map = /^@@map\(\s*(?:name:\s*)?"([^"]+)"/.exec(line);
        if (map) table = map[1]!;
        continue;
      }
      const field = /^(\w+)\s+(\w+)(\[\])?(\?)?\s*(.*)$/.exec(line);
      if (!field) throw new Error(`prisma/schema.prisma, model ${name}: cannot read the line "${line}"`);
      const [, fieldName, type, , optional, attributes] = field;
      const relation = names.has(type!);
      const foreignKey = relation ? listOf(/@relation\([^)]*fields:\s*\[([^\]]*)\]/.exec(attributes!)?.[1] ?? "") : [];
      if (/@id\b/.test(attributes!)) primaryKey = [fieldName!];
      fields.push({
        name: fieldName!,
        type: type!,
        optional: Boolean(optional),
        relation,
        foreignKey,
        column: /@map\(\s*(?:name:\s*)?"([^"]+)"/.exec(attributes!)?.[1] ?? fieldName!,
        autoincrement: /@default\(\s*autoincrement\(\s*\)\s*\)/.test(attributes!),
      });
    }
    if (primaryKey.length === 0) throw new Error(`prisma/schema.prisma, model ${name}: no @id or @@id to page by`);
    return { name: name!, table, fields, primaryKey };
  });
}

function listOf(text: string): string[] {
  return text.split(",").map((item) => item.trim()).filter(Boolean);
}

/** A line without its // comment (a // inside a string is text). */
function withoutComment(line: string): string {
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    if (line[i] === '"' && line[i - 1] !== "\\") quoted = !quoted;
    else if (!quoted && line[i] === "/" && line[i + 1] === "/") return line.slice(0, i);
  }
  return line;
}

/**
 * The models ordered so that every model comes after the models its foreign keys point at
 * (schema order among equals). A cycle, a self-relation included, cannot be copied row by row
 * without deferring foreign keys, so it is refused by name.
 */
export function copyOrder(models: ModelInfo[]): ModelInfo[] {
  const parents = new Map(models.map((model) => [model.name, new Set(model.fields.filter((f) => f.foreignKey.length > 0).map((f) => f.type))]));
  const ordered: ModelInfo[] = [];
  const placed = new Set<string>();
  while (ordered.length < models.length) {
    const ready = models.find((model) => !placed.has(model.name) && [...parents.get(model.name)!].every((parent) => placed.has(parent)));
    if (!ready) {
      const stuck = models.filter((model) => !placed.has(model.name)).map((model) => model.name);
      throw new Error(`the foreign keys of ${stuck.join(", ")} form a cycle (or a model refers to itself): the data migration cannot order them`);
    }
    ordered.push(ready);
    placed.add(ready.name);
  }
  return ordered;
}

// ── Copying ─────────────────────────────────────────────────────────────────────────────────

type Row = Record<string, unknown>;
interface Delegate {
  findMany(args: { where?: Row; orderBy: Row[]; take: number }): Promise<Row[]>;
  createMany(args: { data: Row[] }): Promise<{ count: number }>;
  count(): Promise<number>;
}

function delegateOf(client: Db, model: ModelInfo): Delegate {
  const delegate = (client as unknown as Record<string, Delegate | undefined>)[model.name[0]!.toLowerCase() + model.name.slice(1)];
  if (!delegate) throw new Error(`the Prisma client has no delegate for ${model.name}`);
  return delegate;
}

async function countAll(client: Db, models: ModelInfo[]): Promise<{ model: string; count: number }[]> {
  const counts: { model: string; count: number }[] = [];
  for (const model of models) counts.push({ model: model.name, count: await delegateOf(client, model).count() });
  return counts;
}

/** Copies one model's rows in primary-key order, a page at a time (keyset paging, so no page is re-read). */
async function copyModel(model: ModelInfo, source: Db, target: Db, pageSize: number, progress: (copied: number) => void): Promise<number> {
  const from = delegateOf(source, model);
  const into = delegateOf(target, model);
  const orderBy = model.primaryKey.map((field) => ({ [field]: "asc" }));
  const jsonFields = model.fields.filter((field) => field.type === "Json");
  let after: Row | null = null;
  let copied = 0;
  for (;;) {
    const rows = await from.findMany({ ...(after ? { where: afterKey(model.primaryKey, after) } : {}), orderBy, take: pageSize });
    if (rows.length === 0) return copied;
    for (const row of rows) {
      // A Json null reads back as null; writing it needs to say which null.
      for (const field of jsonFields) if (row[field.name] === null) row[field.name] = field.optional ? Prisma.DbNull : Prisma.JsonNull;
    }
    const before = copied;
    copied += (await into.createMany({ data: rows })).count;
    if (rows.length < pageSize) return copied;
    if (Math.floor(copied / PROGRESS_EVERY) > Math.floor(before / PROGRESS_EVERY)) progress(copied);
    after = rows[rows.length - 1]!;
  }
}

/** Rows whose primary key sorts after `row`'s: (a > x) or (a = x and b > y) … */
function afterKey(primaryKey: string[], row: Row): Row {
  return {
    OR: primaryKey.map((field, i) => ({
      ...Object.fromEntries(primaryKey.slice(0, i).map((before) => [before, row[before]])),
      [field]: { gt: row[field] },
    })),
  };
}

/** PostgreSQL's serial sequences do not move when ids are inserted: set each past the largest copied id. */
async function advanceSequences(target: Db, models: ModelInfo[]): Promise<void> {
  for (const model of models) {
    for (const field of model.fields.filter((f) => f.autoincrement)) {
      const table = `"${model.table.replaceAll('"', '""')}"`;
      const column = `"${field.column.replaceAll('"', '""')}"`;
      await target.$queryRawUnsafe(
        `SELECT setval(pg_get_serial_sequence($1, $2), COALESCE((SELECT MAX(${column}) FROM ${table}), 0) + 1, false)`,
        table,
        field.column,
      );
    }
  }
}
