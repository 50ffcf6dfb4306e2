import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaClient } from "@/generated/prisma/client";
import { databaseUrl } from "./config";

export type Db = PrismaClient;

export function createDb(url: string = databaseUrl()): Db {
  return new PrismaClient({ adapter: new PrismaBetterSQLite3({ url }) });
}

// One client per process; Next.js dev reloads modules, so the instance lives on globalThis.
const globalForDb = globalThis as unknown as { masklabDb?: Db };

export function db(): Db {
  globalForDb.masklabDb ??= createDb();
  return globalForDb.masklabDb;
}
