import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { useNodeBackend } from "@/lib/detection/tf/node-backend";
import { createApiKey, revokeApiKey } from "../../auth/api-keys";
import { createUser } from "../../auth/users";
import { createSampleTestEnv, testEngines, type SampleTestEnv } from "../../testing/test-env";
import { loadModelDetector } from "../../models/model-loader";
import { enqueueJob, getJob, listJobLogs } from "../job-queue";
import { decodeImageRgb } from "../../images/decode";
import { parseStored } from "@/lib/contracts/stored/parse";
import { modelTrainingMetricsColumn } from "@/lib/contracts/stored/models";

/**
 * The two-machine rehearsal on one box: a web instance (the app's API route handlers over HTTP,
 * its own process, on the test database: SQLite, and PostgreSQL when a server is available) and
 * training workers that have only --server and --token: their own empty folder, no database
 * (DATABASE_URL points nowhere), no shared disk. A quick job trains end to end and its model
 * evaluates and serves; a worker killed mid-job and a web instance restarted mid-job both end
 * with the job resumed from its last checkpoint.
 */
// The mask judge has its own tests (detector-runner.test.ts); here it would only add minutes.
const QUICK = { preset: "quick-cpu", inputSize: 128, epochs: 4, batchSize: 8, cachedAugmentations: 1, seed: 3, maskJudge: false } as const;
const LEASE_MS = 6_000;
const processes: ChildProcess[] = [];
beforeAll(() => useNodeBackend("wasm"));
const folders: string[] = [];

afterEach(async () => {
  for (const child of processes.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  for (const folder of folders.splice(0)) await rm(folder, { recursive: true, force: true });
});

function spawnLogged(args: string[], env: Record<string, string>) {
  const child = spawn(process.execPath, ["--import", "tsx", ...args], { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  processes.push(child);
  const output = { text: "" };
  child.stdout!.on("data", (chunk: Buffer) => (output.text += chunk.toString()));
  child.stderr!.on("data", (chunk: Buffer) => (output.text += chunk.toString()));
  return { child, output };
}

async function waitFor(condition: () => Promise<boolean> | boolean, what: string, ms = 120_000, output?: { text: string }): Promise<void> {
  for (const deadline = Date.now() + ms; Date.now() < deadline; await sleep(100)) if (await condition()) return;
  throw new Error(`timed out waiting for ${what}${output ? `\n${output.text.slice(-3000)}` : ""}`);
}

/** The web instance: its own process, this env's database and blobs, a fixed port so a restart keeps the address. */
async function startWeb(env: SampleTestEnv, port = 0) {
  const web = spawnLogged(["lib/server/testing/route-server-main.ts"], { DATA_DIR: env.dir, DATABASE_URL: env.url, PORT: String(port), MASKLAB_WORKER_LEASE_MS: String(LEASE_MS) });
  await waitFor(() => /listening (\S+)/.test(web.output.text), "the web instance to listen", 60_000, web.output);
  const url = /listening (\S+)/.exec(web.output.text)![1]!;
  return { ...web, url, port: Number(new URL(url).port) };
}

/** A worker on "another machine": an empty folder of its own, no database. */
async function startWorker(server: string, token: string) {
  const folder = await mkdtemp(path.join(os.tmpdir(), "masklab-remote-worker-"));
  folders.push(folder);
  const worker = spawnLogged(["workers/training-worker.ts", "--server", server, "--token", token, "--cache", path.join(folder, "cache")], {
    DATA_DIR: folder,
    DATABASE_URL: "postgresql://nobody@unreachable.invalid:1/none",
    MASKLAB_BACKEND: "wasm",
  });
  return { ...worker, folder };
}

describe.each(testEngines())("a remote training worker against a web instance on %s", (engine) => {
  let env: SampleTestEnv;
  afterEach(async () => env?.cleanup());

  async function setUp() {
    env = await createSampleTestEnv({ count: 24, seed: 9 }, undefined, { engine });
    const lead = await createUser({ email: "lead@example.org", name: "Lead", role: "ml_lead", password: "correct horse battery staple" }, env.db);
    const { key, record } = await createApiKey({ name: "gpu box", scopes: ["worker"], createdById: lead.id }, env.db);
    return { token: key, tokenId: record.id };
  }

  it("trains a quick job end to end with only --server and --token; the model evaluates and serves; a revoked token stops the worker", { timeout: 300_000 }, async () => {
    const { token, tokenId } = await setUp();
    const web = await startWeb(env);
    const job = await enqueueJob({ datasetId: env.summary.datasetId, kind: "one_stage", config: QUICK }, { db: env.db });
    const worker = await startWorker(web.url, token);
    await waitFor(async () => ["succeeded", "failed"].includes((await getJob(job.id, env.db)).status), "the job to finish", 240_000, worker.output);
    const logs = (await listJobLogs(job.id, { db: env.db })).map((l) => l.message);
    expect(await getJob(job.id, env.db), logs.join("\n")).toMatchObject({ status: "succeeded", backend: "wasm", checkpointEpoch: 4 });
    // The run's last line lands after its status, as on the database path.
    await waitFor(async () => (await listJobLogs(job.id, { db: env.db })).at(-1)?.message === "succeeded", "the job's last log line");

    const registered = await env.db.worker.findFirstOrThrow({ where: { tokenId } });
    expect(registered.capabilities).toMatchObject({ via: "remote", backend: "wasm" });
    const version = await env.db.modelVersion.findUniqueOrThrow({ where: { trainingJobId: job.id } });
    expect(version).toMatchObject({ kind: "one_stage", stage: "candidate" });
    // Trained at 128 px; it detects at the size the worker chose on val, and the server stored that size.
    const { detectionSize } = parseStored(modelTrainingMetricsColumn, version.trainingMetrics, version.id)!;
    expect(detectionSize!.valBySize.map((v) => v.size)).toEqual([128, 192, 256]);
    expect(version.inputSize).toBe(detectionSize!.size);
    // Evaluated: the server scored the worker's test-split detections against labels it never sent.
    const evaluation = await env.db.evaluation.findFirstOrThrow({ where: { modelVersionId: version.id, split: "test" } });
    expect(evaluation.imageCount).toBe(await env.db.image.count({ where: { datasetId: env.summary.datasetId, split: "test" } }));
    expect(logs).toContainEqual(expect.stringMatching(/^test split \(\d+ images\): mAP50 [\d.]+, mAP50-95 [\d.]+$/));
    // Serves: the registered artifact loads and detects on the web side.
    const detector = await loadModelDetector(version, env.store);
    const image = await env.db.image.findFirstOrThrow({ where: { datasetId: env.summary.datasetId } });
    const [detections] = await detector.detect([await decodeImageRgb(await env.store.get(image.contentHash))]);
    detector.dispose();
    expect(Array.isArray(detections)).toBe(true);
    // No database on the worker's machine: nothing but its image cache in its folder.
    expect(await readdir(worker.folder)).toEqual(["cache"]);

    await revokeApiKey(tokenId, env.db);
    const [code] = await once(worker.child, "exit");
    expect({ code, output: worker.output.text }).toMatchObject({ code: 3 });
    expect(worker.output.text).toMatch(/refused this worker's token/);
  });

  it("resumes on another worker from the last checkpoint after the first is killed mid-job, and rides out a web restart", { timeout: 300_000 }, async () => {
    const { token } = await setUp();
    let web = await startWeb(env);
    const job = await enqueueJob({ datasetId: env.summary.datasetId, kind: "one_stage", config: { ...QUICK, epochs: 6 } }, { db: env.db });
    const first = await startWorker(web.url, token);
    await waitFor(async () => ((await getJob(job.id, env.db)).checkpointEpoch ?? 0) >= 1, "a first checkpoint", 180_000, first.output);
    first.child.kill("SIGKILL");
    const killedAfter = (await getJob(job.id, env.db)).checkpointEpoch!;

    const second = await startWorker(web.url, token);
    // Once the dead worker's lease runs out, the second worker re-queues and claims the job.
    await waitFor(async () => (await listJobLogs(job.id, { db: env.db })).some((l) => /resuming after epoch/.test(l.message)), "the job to resume", 120_000, second.output);
    // The web instance goes down mid-job and comes back on the same address: the worker retries and goes on.
    web.child.kill("SIGKILL");
    await sleep(1_000);
    web = await startWeb(env, web.port);
    await waitFor(async () => ["succeeded", "failed"].includes((await getJob(job.id, env.db)).status), "the job to finish", 240_000, second.output);
    const logs = (await listJobLogs(job.id, { db: env.db })).map((l) => l.message);
    expect(await getJob(job.id, env.db), logs.join("\n")).toMatchObject({ status: "succeeded", attempts: 2 });
    expect(logs).toContainEqual(expect.stringMatching(/stopped answering during attempt 1; re-queued for attempt 2/));
    const resumed = logs.find((l) => /resuming after epoch (\d+)/.test(l))!;
    expect(Number(/resuming after epoch (\d+)/.exec(resumed)![1])).toBeGreaterThanOrEqual(killedAfter);
    expect(await env.db.modelVersion.count({ where: { trainingJobId: job.id } })).toBe(1);
  });
});
