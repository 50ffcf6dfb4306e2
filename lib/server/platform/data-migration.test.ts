import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { createApiKey } from "../auth/api-keys";
import { audit } from "../auth/audit";
import { RateLimiter } from "../auth/rate-limit";
import { createUser } from "../auth/users";
import { saveAnnotations } from "../labels/annotations";
import { promoteModelVersion } from "../models/model-registry";
import { runSql, withDatabase } from "../testing/postgres-cluster";
import { runCli } from "../testing/run-cli";
import { registerServedModel } from "../testing/served-model";
import { createSampleTestEnv, testEngines, type SampleTestEnv, type TestEngine } from "../testing/test-env";
import { appendJobLog, enqueueJob } from "../training/job-queue";
import { copyOrder, CountMismatchError, DataMigrationRefused, migrateData, parseModels, readModels, type ModelInfo } from "./data-migration";
import { createDb, type Db } from "./db";

/**
 * npm run migrate-data on a real deployment's database: the synthetic sample imported, a label
 * edit with its revision, a training job with logs, an API key, audit rows, a served model with
 * logged predictions (Bytes, autoincrement ids), copied to a fresh SQLite file and (when the run
 * has a server) a fresh PostgreSQL database, then compared row by row.
 */
let env: SampleTestEnv;
let models: ModelInfo[];
let modelVersionId: string;
const EMBEDDING = Uint8Array.from({ length: 64 }, (_, i) => (i * 37) % 256);
const LOGGED_AT = new Date("2026-11-30T12:34:56.789Z");

beforeAll(async () => {
  env = await createSampleTestEnv({ count: 12, seed: 3 }, undefined, { engine: "sqlite" });
  models = await readModels();
  const db = env.db;
  const lead = await createUser({ email: "lead@example.com", name: "Lead", role: "ml_lead", password: "a long enough password" }, db);
  const image = await db.image.findFirstOrThrow({ where: { datasetId: env.summary.datasetId }, orderBy: { id: "asc" } });
  const box = { className: "with_mask", xmin: 4, ymin: 6, xmax: 30.5, ymax: 41, difficult: false, truncated: false, occluded: false, source: "human" as const };
  await saveAnnotations(image.id, { expectedVersion: image.annotationVersion, boxes: [box], note: "tighter" }, { author: { id: lead.id, mayReview: true }, db });
  await db.reviewComment.create({ data: { imageId: image.id, authorId: lead.id, body: "check the left face" } });
  const job = await enqueueJob({ datasetId: env.summary.datasetId, kind: "one_stage", config: { epochs: 2 }, createdById: lead.id }, { db });
  await appendJobLog(job.id, "info", "started", undefined, { db });
  await appendJobLog(job.id, "metric", "epoch 1", { epoch: 1, loss: 0.8125, perClass: { with_mask: [0.5, null] } }, { db });
  await createApiKey({ name: "pipeline", scopes: ["predict"], createdById: lead.id }, db);
  await audit("login.failed", { target: "lead@example.com", ip: "10.0.0.9" }, db);
  await new RateLimiter("predictionsPerCaller", 10, 60_000).hit("key:x", db);
  const model = await registerServedModel(env.summary.datasetId, env);
  modelVersionId = model.id;
  await promoteModelVersion(model.id, { actorId: lead.id, db });
  for (let i = 0; i < 3; i++) {
    const prediction = await db.prediction.create({
      data: {
        modelVersionId,
        createdAt: LOGGED_AT,
        minute: Math.floor(LOGGED_AT.getTime() / 60_000),
        source: i === 0 ? null : `cam-${i}`,
        imageWidth: 640,
        imageHeight: 480,
        brightness: 0.1 + i,
        contrast: 1 / 3,
        sharpness: 12.25,
        boxCount: 2,
        maxScore: i === 0 ? null : 0.9,
        detections: [{ className: "with_mask", score: 0.9, box: [1, 2, 3.5, 4] }],
        summary: { counts: { with_mask: 2 }, nested: { empty: [], flag: false, text: "ü \"quoted\"" } },
        latencyMs: 41.5,
        embedding: i === 0 ? null : EMBEDDING,
      },
    });
    await db.predictionBox.createMany({ data: [0, 1].map((n) => ({ predictionId: prediction.id, modelVersionId, minute: prediction.minute, className: "with_mask", score: 0.5 + n / 4, relativeSize: 0.2 })) });
  }
  // More rows than a page, on a two-column primary key: keyset paging over both columns.
  await db.embeddingRollup.createMany({ data: Array.from({ length: 9 }, (_, hour) => ({ modelVersionId: hour % 2 ? modelVersionId : "retired-model", hour: 490_000 + hour, count: hour, sum: Buffer.from(new Float64Array([hour, -hour / 3]).buffer) })) });
}, 180_000);
afterAll(async () => env?.cleanup());

/** Every row of every model, sorted by primary key in JS (engines sort strings differently). */
async function everything(db: Db): Promise<Record<string, unknown[]>> {
  const dump: Record<string, unknown[]> = {};
  for (const model of models) {
    const delegate = (db as unknown as Record<string, { findMany: () => Promise<Record<string, unknown>[]> }>)[model.name[0]!.toLowerCase() + model.name.slice(1)]!;
    const key = (row: Record<string, unknown>) => JSON.stringify(model.primaryKey.map((field) => row[field]));
    dump[model.name] = (await delegate.findMany()).sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  }
  return dump;
}

/** A fresh, empty target of the engine (not migrated: the copy migrates it) and how to drop it. */
async function emptyTarget(engine: TestEngine): Promise<{ url: string; drop: () => Promise<void> }> {
  if (engine === "sqlite") return { url: `file:${path.join(env.dir, `copy-${randomBytes(4).toString("hex")}.db`)}`, drop: async () => undefined };
  const server = inject("postgresUrl");
  const name = `masklab_copy_${process.pid}_${randomBytes(4).toString("hex")}`;
  await runSql(server, [`CREATE DATABASE "${name}"`]);
  return { url: withDatabase(server, name), drop: () => runSql(server, [`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`]) };
}

describe.each(testEngines())("copying a SQLite deployment to %s", (engine) => {
  it("copies every table, parents first, in pages; counts match and every row is equal, ids, Json, Bytes and times included", async () => {
    const target = await emptyTarget(engine);
    const lines: string[] = [];
    try {
      const counts = await migrateData({ from: env.url, to: target.url, pageSize: 4, log: (line) => lines.push(line) });
      expect(counts.map((row) => row.model).sort()).toEqual(models.map((model) => model.name).sort());
      for (const row of counts) expect(row.target).toBe(row.source);
      const byModel = Object.fromEntries(counts.map((row) => [row.model, row.source]));
      // The import writes one revision per image; the edit adds one.
      expect(byModel).toMatchObject({ Image: 12, LabelRevision: 13, TrainingLog: 2, ApiKey: 1, Prediction: 3, PredictionBox: 6, EmbeddingRollup: 9, ModelPromotion: 1, RateLimitCounter: 1 });
      expect(byModel.Box).toBeGreaterThan(4);
      expect(byModel.AuditLog).toBeGreaterThan(0);
      expect(lines).toContain("Image: 12 rows");

      const copy = createDb(target.url);
      try {
        expect(await everything(copy)).toEqual(await everything(env.db));
        // The same deep equalities, spelled out for the types an engine change could bend.
        const logged = await copy.prediction.findMany({ orderBy: { source: "asc" } });
        expect(logged.map((p) => p.createdAt.toISOString())).toEqual(Array(3).fill(LOGGED_AT.toISOString()));
        expect(logged.filter((p) => p.embedding).map((p) => Buffer.from(p.embedding!).equals(EMBEDDING))).toEqual([true, true]);
        expect(logged.find((p) => p.source === null)).toMatchObject({ embedding: null, maxScore: null });
        expect(logged[0]!.summary).toEqual({ counts: { with_mask: 2 }, nested: { empty: [], flag: false, text: 'ü "quoted"' } });
        const metric = await copy.trainingLog.findFirstOrThrow({ where: { level: "metric" } });
        expect(metric.metrics).toEqual({ epoch: 1, loss: 0.8125, perClass: { with_mask: [0.5, null] } });
        expect((await copy.trainingLog.findFirstOrThrow({ where: { level: "info" } })).metrics).toBeNull();
        const rollup = await copy.embeddingRollup.findUniqueOrThrow({ where: { modelVersionId_hour: { modelVersionId, hour: 490_003 } } });
        expect(Array.from(new Float64Array(Uint8Array.from(rollup.sum).buffer))).toEqual([3, -1]);
        // New rows keep numbering after the copied ones (PostgreSQL's sequences were moved on).
        const before = await copy.predictionBox.aggregate({ _max: { id: true } });
        const fresh = await copy.predictionBox.create({ data: { predictionId: logged[0]!.id, modelVersionId, minute: 1, className: "with_mask", score: 1, relativeSize: 0.1 } });
        expect(fresh.id).toBeGreaterThan(before._max.id!);
      } finally {
        await copy.$disconnect();
      }

      // Once copied, the target holds rows: a second copy is refused.
      await expect(migrateData({ from: env.url, to: target.url })).rejects.toThrow(/already holds rows: User \(1\).*Image \(12\)/);
    } finally {
      await target.drop();
    }
  }, 180_000);
});

describe("refusals", () => {
  it("a missing --from or --to, the same database twice, or a missing source: refused before anything is written", async () => {
    const target = path.join(env.dir, "never-written.db");
    await expect(migrateData({ from: undefined, to: `file:${target}` })).rejects.toThrow(new DataMigrationRefused("--from is required: the database to copy (file:… or postgresql://…)"));
    await expect(migrateData({ from: env.url, to: undefined })).rejects.toThrow(/--to is required/);
    await expect(migrateData({ from: env.url, to: "" })).rejects.toThrow(/--to is required/);
    const relative = `file:${path.relative(process.cwd(), env.url.slice(5))}`;
    await expect(migrateData({ from: env.url, to: relative })).rejects.toThrow(/--from and --to name the same database/);
    await expect(migrateData({ from: `file:${path.join(env.dir, "nothing-here.db")}`, to: `file:${target}` })).rejects.toThrow(/nothing-here\.db does not exist/);
    expect(existsSync(target)).toBe(false);
    expect(existsSync(path.join(env.dir, "nothing-here.db"))).toBe(false);
  });

  it("PostgreSQL URLs naming one server and database are the same database, whoever signs in", async () => {
    await expect(migrateData({ from: "postgresql://a:x@db.example.org/masklab", to: "postgres://b@DB.example.org:5432/masklab" })).rejects.toThrow(/same database \(PostgreSQL db\.example\.org\/masklab\)/);
  });
});

describe("a source written to during the copy", () => {
  it("fails loudly: the counts differ, and the error carries them all", async () => {
    const target = await emptyTarget("sqlite");
    const source = new Database(env.url.slice("file:".length));
    try {
      const copying = migrateData({
        from: env.url,
        to: target.url,
        // Someone signs in while the copy runs, after the audit log was copied.
        log: (line) => {
          if (line.startsWith("AuditLog:")) source.prepare("INSERT INTO AuditLog (id, action) VALUES ('late', 'login.failed')").run();
        },
      });
      const failure = (await copying.catch((error: unknown) => error)) as CountMismatchError;
      expect(failure).toBeInstanceOf(CountMismatchError);
      const audit = failure.counts.find((row) => row.model === "AuditLog")!;
      expect(audit.source).toBe(audit.target + 1);
      expect(failure.message).toBe(`row counts differ after the copy: AuditLog ${audit.source} in the source, ${audit.target} in the target`);
      expect(failure.counts).toHaveLength(models.length);
    } finally {
      source.prepare("DELETE FROM AuditLog WHERE id = 'late'").run();
      source.close();
    }
  });
});

describe("the copy order", () => {
  it("puts every model after the models its foreign keys point at, for the real schema", () => {
    const order = copyOrder(models).map((model) => model.name);
    for (const model of models) {
      for (const field of model.fields.filter((f) => f.foreignKey.length > 0)) expect(order.indexOf(field.type), `${model.name}.${field.name}`).toBeLessThan(order.indexOf(model.name));
    }
    expect(models.find((model) => model.name === "EmbeddingRollup")!.primaryKey).toEqual(["modelVersionId", "hour"]);
    expect(models.find((model) => model.name === "PredictionBox")!.fields.find((field) => field.name === "id")!.autoincrement).toBe(true);
  });

  it("reads keys, maps and relations from a schema, and refuses a cycle by name", () => {
    const schema = `
      model Team {
        id      String @id // the "id" of a team
        name    String @default("a // not a comment")
        lead    Person? @relation("lead", fields: [leadId], references: [id])
        leadId  String? @map("lead_id")
        members Person[] @relation("members")
        @@map("teams")
      }
      model Person {
        id     Int    @id @default(autoincrement())
        team   Team   @relation("members", fields: [teamId], references: [id])
        teamId String
        ledTeams Team[] @relation("lead")
      }`;
    const parsed = parseModels(schema);
    expect(parsed.map((model) => [model.name, model.table, model.primaryKey])).toEqual([
      ["Team", "teams", ["id"]],
      ["Person", "Person", ["id"]],
    ]);
    expect(parsed[0]!.fields.map((field) => [field.name, field.relation, field.foreignKey, field.column])).toEqual([
      ["id", false, [], "id"],
      ["name", false, [], "name"],
      ["lead", true, ["leadId"], "lead"],
      ["leadId", false, [], "lead_id"],
      ["members", true, [], "members"],
    ]);
    expect(() => copyOrder(parsed)).toThrow("the foreign keys of Team, Person form a cycle (or a model refers to itself): the data migration cannot order them");
    const selfish = parseModels(`model Node {\n id String @id\n parent Node? @relation("tree", fields: [parentId], references: [id])\n parentId String?\n children Node[] @relation("tree")\n}`);
    expect(() => copyOrder(selfish)).toThrow(/Node form a cycle/);
  });
});

describe("npm run migrate-data", () => {
  it("copies through the CLI, prints the count table and says blobs stay; usage errors exit 2", async () => {
    const target = `file:${path.join(env.dir, "cli-copy.db")}`;
    const run = await runCli("migrate-data", ["--from", env.url, "--to", target], env.dir);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^ {2}table\s+source\s+target$/m);
    expect(run.stdout).toMatch(/^ {2}Image\s+12\s+12$/m);
    expect(run.stdout).toMatch(/^ {2}EmbeddingRollup\s+9\s+9$/m);
    expect(run.stdout).toMatch(/every count matches/);
    expect(run.stdout).toMatch(/Blobs .* were not copied: with the disk store, copy DATA_DIR\/blobs/);
    const missing = await runCli("migrate-data", ["--from", env.url], env.dir);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^--to is required/);
    expect(missing.stderr).toMatch(/usage: npm run migrate-data -- --from <database URL> --to <database URL>/);
    const again = await runCli("migrate-data", ["--from", env.url, "--to", target], env.dir);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/already holds rows/);
  }, 120_000);
});
