import path from "node:path";

/**
 * Where Masklab keeps its state. Everything lives under one data directory by default so a
 * single folder can be backed up or wiped; DATABASE_URL can point the database elsewhere.
 */
export function dataDir(): string {
  return path.resolve(process.env.DATA_DIR ?? "data");
}

/** SQLite by default, inside the data directory; relative file: URLs resolve against the cwd. */
export function databaseUrl(): string {
  const url = process.env.DATABASE_URL;
  if (!url) return `file:${path.join(dataDir(), "masklab.db")}`;
  if (url.startsWith("file:") && !path.isAbsolute(url.slice(5))) {
    return `file:${path.resolve(url.slice(5))}`;
  }
  return url;
}

/** postgresql:// or postgres:// runs Masklab on PostgreSQL; anything else is a SQLite file. */
export function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//.test(url);
}

/** A database named for people: the SQLite file, or PostgreSQL's server and database, never credentials. */
export function describeDatabase(url: string): string {
  if (!isPostgresUrl(url)) return `SQLite ${path.resolve(url.startsWith("file:") ? url.slice("file:".length) : url)}`;
  const parsed = new URL(url);
  const host = parsed.searchParams.get("host") ?? `${parsed.hostname}${parsed.port ? `:${parsed.port}` : ""}`;
  return `PostgreSQL ${host}/${decodeURIComponent(parsed.pathname.slice(1))}`;
}

export function port(): number {
  const raw = process.env.PORT ?? "3000";
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > 65535) {
    throw new Error(`PORT must be an integer between 1 and 65535, got "${raw}"`);
  }
  return value;
}
