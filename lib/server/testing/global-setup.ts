import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { migrateDatabase } from "../platform/migrate";

/**
 * Migrates one template database with the real committed migrations (prisma migrate deploy);
 * each integration test copies it, so every test starts from a fresh, real SQLite file.
 */
export default async function setup(project: TestProject) {
  const dir = await mkdtemp(path.join(os.tmpdir(), "masklab-template-"));
  const file = path.join(dir, "template.db");
  const previous = process.env.DATA_DIR;
  process.env.DATA_DIR = dir;
  await migrateDatabase(`file:${file}`);
  process.env.DATA_DIR = previous;
  project.provide("templateDatabase", file);
  return async () => rm(dir, { recursive: true, force: true });
}

declare module "vitest" {
  export interface ProvidedContext {
    templateDatabase: string;
  }
}
