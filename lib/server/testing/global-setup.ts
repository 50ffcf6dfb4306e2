import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { migrateDatabase } from "../platform/migrate";
import { findPostgresBinaries, runSql, startPostgresCluster } from "./postgres-cluster";

/**
 * Migrates a template database with the real committed migrations (prisma migrate deploy); each
 * integration test copies it (SQLite: the file; PostgreSQL: CREATE DATABASE … TEMPLATE, of a
 * template test-env.ts migrates once per run), so every test starts from a fresh, real database.
 *
 * PostgreSQL: MASKLAB_TEST_POSTGRES_URL (a superuser or CREATEDB role's URL) names a server to
 * use; otherwise a throwaway cluster is started from the installed server binaries; without
 * them the PostgreSQL tests are skipped with a message.
 */
export default async function setup(project: TestProject) {
  const dir = await mkdtemp(path.join(os.tmpdir(), "masklab-template-"));
  const file = path.join(dir, "template.db");
  const [sqlite, postgres] = await Promise.allSettled([migrateDatabase(`file:${file}`, dir), setupPostgres()]);
  const teardown = async () => {
    if (postgres.status === "fulfilled") await postgres.value?.stop();
    await rm(dir, { recursive: true, force: true });
  };
  const failed = [sqlite, postgres].find((result) => result.status === "rejected");
  if (failed) {
    await teardown();
    throw failed.reason;
  }
  const server = postgres.status === "fulfilled" ? postgres.value : null;
  project.provide("templateDatabase", file);
  project.provide("postgresUrl", server?.url ?? "");
  project.provide("postgresTemplate", server?.template ?? "");
  return teardown;
}

export const POSTGRES_MISSING =
  "PostgreSQL tests skipped: no PostgreSQL server binaries (initdb, pg_ctl, postgres) in /usr/lib/postgresql/*/bin or on PATH. " +
  "Install them (Debian/Ubuntu: apt-get install postgresql; .ci/run does) or set MASKLAB_TEST_POSTGRES_URL=postgresql://… to a server where the role may create databases.";

/**
 * The server and the name of this run's template (a name per run, so runs sharing an external
 * server never touch each other's). The first test that needs PostgreSQL migrates the template
 * (test-env.ts): `prisma migrate deploy` on PostgreSQL idles about 10 s before it exits (a timer
 * in Prisma 6.19's schema engine), which runs that never touch PostgreSQL should not wait for.
 */
async function setupPostgres(): Promise<{ url: string; template: string; stop: () => Promise<void> } | null> {
  const external = process.env.MASKLAB_TEST_POSTGRES_URL;
  const template = `masklab_template_${randomBytes(4).toString("hex")}`;
  if (external) {
    const drop = [`DROP DATABASE IF EXISTS "${template}" WITH (FORCE)`, `DROP DATABASE IF EXISTS "${template}_migrating" WITH (FORCE)`];
    return { url: external, template, stop: () => runSql(external, drop).catch(() => undefined) };
  }
  const binaries = await findPostgresBinaries();
  if (!binaries) {
    console.warn(POSTGRES_MISSING);
    return null;
  }
  const cluster = await startPostgresCluster(binaries);
  return { url: cluster.url, template, stop: cluster.stop };
}

declare module "vitest" {
  export interface ProvidedContext {
    templateDatabase: string;
    /** a PostgreSQL server's URL ("" when there is none): test databases are created through it */
    postgresUrl: string;
    /** the migrated database each PostgreSQL test database copies (made by the first test that needs it) */
    postgresTemplate: string;
  }
}
