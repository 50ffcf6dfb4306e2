import { defineConfig } from "prisma/config";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { databaseUrl, isPostgresUrl } from "./lib/server/platform/config";
import { postgresMigrateAdapter } from "./lib/server/platform/postgres-migrate-adapter";

// The URL picks the engine: its schema (and so its migrations folder, beside it) and its adapter.
const url = databaseUrl();
const postgres = isPostgresUrl(url);

export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema: postgres ? "prisma/postgresql/schema.prisma" : "prisma/schema.prisma",
  async adapter() {
    return postgres ? postgresMigrateAdapter(url) : new PrismaBetterSQLite3({ url });
  },
});
