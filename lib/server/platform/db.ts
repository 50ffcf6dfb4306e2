import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "@/generated/prisma/client";
import { PrismaClient as PostgresPrismaClient } from "@/generated/prisma-postgresql/client";
import { databaseUrl, isPostgresUrl } from "./config";

export type Db = PrismaClient;

const postgresClients = new WeakSet<Db>();

/** SQLite for a file: URL, PostgreSQL for postgresql:// (or postgres://). */
export function createDb(url: string = databaseUrl()): Db {
  if (isPostgresUrl(url)) {
    // Both clients come from one schema (prisma/postgresql/schema.prisma is derived), so their model APIs are identical.
    const client = new PostgresPrismaClient({ adapter: new PrismaPg({ connectionString: url }) }) as unknown as Db;
    postgresClients.add(client);
    return client;
  }
  return new PrismaClient({ adapter: new PrismaBetterSQLite3({ url }) });
}

/**
 * A `contains` filter that ignores case on both engines, as SQLite's LIKE does (for ASCII);
 * PostgreSQL needs `mode: "insensitive"`, which the SQLite client neither types nor accepts.
 */
export function containsIgnoringCase(text: string, database: Db): { contains: string } {
  return postgresClients.has(database) ? ({ contains: text, mode: "insensitive" } as { contains: string }) : { contains: text };
}

// One client per process; Next.js dev reloads modules, so the instance lives on globalThis.
const globalForDb = globalThis as unknown as { masklabDb?: Db };

export function db(): Db {
  globalForDb.masklabDb ??= createDb();
  return globalForDb.masklabDb;
}

/** A write refused because another row holds the same unique key (Prisma's P2002), on either engine. */
export function isUniqueViolation(error: unknown): boolean {
  return typeof error === "object" && error !== null && (error as { code?: unknown }).code === "P2002";
}
