import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { checkHealth } from "../platform/health";
import { createTestEnv, type TestEnv } from "../testing/test-env";
import { ALIVE_WINDOW_MS, heartbeat, listWorkers, markWorkerStopped, queueWorkersFor, registerWorker } from "./worker-registry";

let env: TestEnv;
beforeEach(async () => {
  env = await createTestEnv();
});
afterEach(() => env.cleanup());

describe("worker registry and health", () => {
  it("reports degraded without a worker, ok while one beats, and degraded again once it stops", async () => {
    expect(await checkHealth(env.db)).toMatchObject({ status: "degraded", database: { ok: true }, workers: { alive: 0 } });

    const id = await registerWorker("training", { jobKinds: [] }, env.db);
    await heartbeat(id, "idle", env.db);
    const healthy = await checkHealth(env.db);
    expect(healthy.status).toBe("ok");
    expect(healthy.workers.list).toEqual([expect.objectContaining({ id, kind: "training", status: "idle", alive: true })]);

    await markWorkerStopped(id, env.db);
    expect(await checkHealth(env.db)).toMatchObject({ status: "degraded", workers: { alive: 0, list: [] } });
  });

  it("counts a worker whose heartbeat is older than the window as not alive", async () => {
    const id = await registerWorker("training", {}, env.db);
    const later = new Date(Date.now() + ALIVE_WINDOW_MS + 1_000);
    expect(await listWorkers(later, env.db)).toEqual([expect.objectContaining({ id, alive: false })]);
  });

  it("finds the live queue workers for a job kind, not `npm run train` processes running their own job", async () => {
    const queue = await registerWorker("training", { jobKinds: ["one_stage", "two_stage"] }, env.db);
    await registerWorker("training", { jobKinds: ["one_stage"], via: "npm run train" }, env.db);
    const oneKind = await registerWorker("training", { jobKinds: ["one_stage"] }, env.db);
    expect((await queueWorkersFor("one_stage", new Date(), env.db)).map((w) => w.id).sort()).toEqual([queue, oneKind].sort());
    expect((await queueWorkersFor("two_stage", new Date(), env.db)).map((w) => w.id)).toEqual([queue]);
    await markWorkerStopped(queue, env.db);
    expect(await queueWorkersFor("two_stage", new Date(), env.db)).toEqual([]);
    expect(await queueWorkersFor("one_stage", new Date(Date.now() + ALIVE_WINDOW_MS + 1_000), env.db)).toEqual([]);
  });

  it("lists each worker with what it said of itself, how it connects (a worker token, or the database directly) and the job it holds", async () => {
    const lead = await env.db.user.create({ data: { email: "lead@example.com", name: "Lead", role: "ml_lead", passwordHash: "x" } });
    const token = await env.db.apiKey.create({ data: { name: "gpu-box", prefix: "abcd1234", keyHash: "hash", scopes: "worker", createdById: lead.id } });
    const capabilities = { runtime: "node v20", backend: "webgpu" as const, backendReason: "auto: WebGPU adapter", gpu: "NVIDIA H100", jobKinds: ["one_stage"] };
    const local = await registerWorker("training", { jobKinds: ["one_stage"] }, env.db);
    await env.db.worker.create({ data: { id: "remote-1", kind: "training", hostname: "gpu-box.lab.example.org", pid: 7, status: "busy", capabilities, tokenId: token.id } });
    const dataset = await env.db.dataset.create({ data: { name: "faces", classes: ["with_mask"] } });
    const job = await env.db.trainingJob.create({ data: { datasetId: dataset.id, kind: "one_stage", config: {}, status: "running", progress: 0.4, workerId: "remote-1", startedAt: new Date() } });
    await env.db.trainingJob.create({ data: { datasetId: dataset.id, kind: "one_stage", config: {}, status: "succeeded", workerId: local } });

    const list = await listWorkers(new Date(), env.db);
    expect(list.find((w) => w.id === "remote-1")).toMatchObject({
      alive: true,
      capabilities,
      token: { id: token.id, name: "gpu-box", prefix: "abcd1234", revoked: false },
      currentJob: { id: job.id, kind: "one_stage", progress: 0.4, datasetName: "faces" },
    });
    // A finished job is not current; a worker on the database directly has no token.
    expect(list.find((w) => w.id === local)).toMatchObject({ token: null, currentJob: null, capabilities: { jobKinds: ["one_stage"] } });

    await env.db.apiKey.update({ where: { id: token.id }, data: { revokedAt: new Date() } });
    expect((await listWorkers(new Date(), env.db)).find((w) => w.id === "remote-1")?.token?.revoked).toBe(true);
  });

  it("reports the database as down when it cannot be reached", async () => {
    const { createDb } = await import("../platform/db");
    const broken = createDb(`file:${env.dir}/missing-dir/none.db`);
    const report = await checkHealth(broken);
    expect(report.status).toBe("down");
    expect(report.database.ok).toBe(false);
    expect(JSON.stringify(report)).not.toMatch(/at .*\.ts:\d+/);
  });
});
