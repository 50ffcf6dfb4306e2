import { spawn, type ChildProcess } from "node:child_process";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Db } from "../platform/db";
import {
  appendJobLog,
  claimNextJob,
  completeJob,
  enqueueJob,
  failJob,
  getJob,
  InvalidJobError,
  listJobLogs,
  markCancelled,
  MAX_JOB_ATTEMPTS,
  recordCheckpoint,
  releaseJob,
  renewLease,
  requestCancel,
  requeueExpiredJobs,
} from "./job-queue";
import { createTestEnv, type TestEnv } from "../testing/test-env";
import { cancelTrainingJob } from "./training-jobs";

const LEASE_MS = 30_000;
const KINDS = ["one_stage"] as const;

let env: TestEnv;
let datasetId: string;
beforeEach(async () => {
  env = await createTestEnv();
  datasetId = (await env.db.dataset.create({ data: { name: "masks", classes: ["with_mask", "without_mask"] } })).id;
});
afterEach(async () => {
  registered.clear();
  await env.cleanup();
});

const enqueue = (kind: "one_stage" | "two_stage" = "one_stage") => enqueueJob({ datasetId, kind, config: { epochs: 3 } }, { db: env.db });
// Jobs refer to their worker's row, as a registered worker has one.
const registered = new Set<string>();
async function register(workerId: string): Promise<void> {
  if (registered.has(workerId)) return;
  registered.add(workerId);
  await env.db.worker.create({ data: { id: workerId, kind: "training", hostname: "test", pid: 1, status: "idle" } });
}
async function claim(workerId: string, now?: Date, database: Db = env.db) {
  await register(workerId);
  return claimNextJob(workerId, { kinds: KINDS, leaseMs: LEASE_MS, now, db: database });
}
const later = (ms: number) => new Date(Date.now() + ms);

describe("enqueueJob and claimNextJob", () => {
  it("queues a job and hands the oldest one of a wanted kind to a worker, with a lease", async () => {
    const first = await enqueue();
    await enqueue("two_stage");
    await enqueue();
    expect(first).toMatchObject({ status: "queued", attempts: 0, workerId: null, config: { epochs: 3 } });

    const now = new Date();
    const job = await claim("worker-a", now);
    expect(job).toMatchObject({ id: first.id, status: "running", workerId: "worker-a", attempts: 1, startedAt: now, heartbeatAt: now });
    expect(job!.leaseExpiresAt!.getTime()).toBe(now.getTime() + LEASE_MS);

    expect((await claim("worker-b"))!.kind).toBe("one_stage");
    expect(await claim("worker-c")).toBeNull(); // only a two_stage job is left
    expect(await claimNextJob("worker-d", { kinds: [], leaseMs: LEASE_MS, db: env.db })).toBeNull();
  });

  it("refuses a kind outside the vocabulary", async () => {
    await expect(enqueueJob({ datasetId, kind: "three_stage" as "one_stage", config: {} }, { db: env.db })).rejects.toThrow(InvalidJobError);
  });

  it("gives every job to exactly one of many workers claiming at once in one process", async () => {
    const jobCount = 24;
    for (let i = 0; i < jobCount; i++) await enqueue();
    const workerIds = Array.from({ length: 8 }, (_, i) => `worker-${i}`);
    await Promise.all(workerIds.map(register));
    const claimsPerWorker = await Promise.all(workerIds.map((id) => claimUntilEmpty(id)));
    expectEachJobClaimedOnce(claimsPerWorker.flat(), jobCount);
    expect(claimsPerWorker.filter((taken) => taken.length > 0).length).toBeGreaterThan(1);
    const rows = await env.db.trainingJob.findMany();
    expect(rows.every((row) => row.status === "running" && row.attempts === 1)).toBe(true);
    workerIds.forEach((id, i) => expect(rows.filter((row) => row.workerId === id).map((row) => row.id).sort()).toEqual([...claimsPerWorker[i]!].sort()));
  });

  it("moves on to the next job when another worker takes the one it read first", async () => {
    const [first, second] = [await enqueue(), await enqueue()];
    await register("rival");
    let raced = false;
    // The rival claims right after this worker read the queue and before its compare-and-set.
    const racing = env.db.$extends({
      query: {
        trainingJob: {
          async updateMany({ args, query }) {
            if (!raced) {
              raced = true;
              expect(await claim("rival")).toMatchObject({ id: first.id });
            }
            return query(args);
          },
        },
      },
    }) as unknown as Db;
    expect(await claim("slow", undefined, racing)).toMatchObject({ id: second.id, workerId: "slow" });
    expect(await getJob(first.id, env.db)).toMatchObject({ workerId: "rival", attempts: 1 });
  });

  it("gives every job to exactly one worker when several processes claim at once", { timeout: 120_000 }, async () => {
    const jobCount = 60;
    for (let i = 0; i < jobCount; i++) await enqueue();
    const processes = Array.from({ length: 3 }, (_, p) => Array.from({ length: 3 }, (_, w) => `process-${p}-worker-${w}`));
    await Promise.all(processes.flat().map(register));
    const children = processes.map((workerIds) =>
      spawn(process.execPath, ["--import", "tsx", "lib/server/testing/claim-race-child.ts"], {
        env: { ...process.env, DATABASE_URL: env.url, WORKER_IDS: workerIds.join(",") },
        stdio: ["pipe", "pipe", "inherit"],
      }),
    );
    const outputs = children.map(collectStdout);
    // Start together: every process is loaded and waiting before any claims.
    await Promise.all(outputs.map((output) => output.line(0)));
    for (const child of children) child.stdin!.write("go\n");
    const results = await Promise.all(outputs.map(async (output) => JSON.parse(await output.line(1)) as Record<string, string[]>));

    const perProcess = results.map((claims) => Object.values(claims).flat());
    expectEachJobClaimedOnce(perProcess.flat(), jobCount);
    expect(perProcess.filter((taken) => taken.length > 0).length).toBeGreaterThan(1);
    const rows = await env.db.trainingJob.findMany();
    for (const claims of results) {
      for (const [workerId, jobIds] of Object.entries(claims)) {
        expect(rows.filter((row) => row.workerId === workerId).map((row) => row.id).sort()).toEqual([...jobIds].sort());
      }
    }
  });
});

async function claimUntilEmpty(workerId: string): Promise<string[]> {
  const taken: string[] = [];
  for (let job = await claim(workerId); job; job = await claim(workerId)) taken.push(job.id);
  return taken;
}

function expectEachJobClaimedOnce(claimed: string[], jobCount: number): void {
  expect(claimed).toHaveLength(jobCount);
  expect(new Set(claimed).size).toBe(jobCount);
}

/** Lines of a child's stdout, awaited by index. */
function collectStdout(child: ChildProcess) {
  let buffer = "";
  const lines: string[] = [];
  const waiting: Array<() => void> = [];
  child.stdout!.on("data", (chunk: Buffer) => {
    buffer += chunk.toString();
    let newline: number;
    while ((newline = buffer.indexOf("\n")) >= 0) {
      lines.push(buffer.slice(0, newline));
      buffer = buffer.slice(newline + 1);
    }
    waiting.splice(0).forEach((wake) => wake());
  });
  const exited = new Promise<void>((resolve) => child.on("exit", () => resolve()));
  return {
    async line(index: number): Promise<string> {
      while (lines.length <= index) {
        const more = new Promise<void>((resolve) => waiting.push(resolve));
        if ((await Promise.race([more.then(() => "more"), exited.then(() => "exited")])) === "exited" && lines.length <= index) {
          throw new Error(`claim-race-child exited after ${lines.length} lines`);
        }
      }
      return lines[index]!;
    },
  };
}

describe("leases", () => {
  it("renews the lease and records progress for the owner only", async () => {
    const job = (await enqueue(), await claim("owner"))!;
    const now = later(10_000);
    expect(await renewLease(job.id, "owner", { leaseMs: LEASE_MS, progress: 0.25, now, db: env.db })).toEqual({ ok: true, cancelRequested: false });
    expect(await renewLease(job.id, "intruder", { leaseMs: LEASE_MS, progress: 0.9, db: env.db })).toEqual({ ok: false, cancelRequested: false });

    const stored = await getJob(job.id, env.db);
    expect(stored).toMatchObject({ workerId: "owner", progress: 0.25, heartbeatAt: now });
    expect(stored.leaseExpiresAt!.getTime()).toBe(now.getTime() + LEASE_MS);
  });

  it("refuses every owner-only write from another worker, and from the owner once the job is finished", async () => {
    const job = (await enqueue(), await claim("owner"))!;
    expect(await completeJob(job.id, "intruder", { db: env.db })).toBe(false);
    expect(await failJob(job.id, "intruder", "no", { db: env.db })).toBe(false);
    expect(await markCancelled(job.id, "intruder", { db: env.db })).toBe(false);
    expect(await releaseJob(job.id, "intruder", { db: env.db })).toBeNull();
    expect(await recordCheckpoint(job.id, "intruder", { key: "k", epoch: 1 }, { db: env.db })).toBe(false);

    expect(await completeJob(job.id, "owner", { db: env.db })).toBe(true);
    expect(await getJob(job.id, env.db)).toMatchObject({ status: "succeeded", progress: 1, leaseExpiresAt: null });
    expect(await renewLease(job.id, "owner", { leaseMs: LEASE_MS, db: env.db })).toMatchObject({ ok: false });
    expect(await failJob(job.id, "owner", "too late", { db: env.db })).toBe(false);
  });

  it("re-queues a job whose worker stopped renewing, keeping its attempts and checkpoint, and logs why", async () => {
    const job = (await enqueue(), await claim("dead-worker"))!;
    await recordCheckpoint(job.id, "dead-worker", { key: "a".repeat(64), epoch: 4 }, { db: env.db });

    expect(await requeueExpiredJobs(later(LEASE_MS - 1_000), { db: env.db })).toEqual({ requeued: [], failed: [], cancelled: [] });
    expect(await requeueExpiredJobs(later(LEASE_MS + 1_000), { db: env.db })).toEqual({ requeued: [job.id], failed: [], cancelled: [] });

    expect(await getJob(job.id, env.db)).toMatchObject({ status: "queued", workerId: null, leaseExpiresAt: null, attempts: 1, checkpointEpoch: 4, checkpointKey: "a".repeat(64) });
    expect((await listJobLogs(job.id, { db: env.db })).map((l) => [l.level, l.message])).toEqual([
      ["warn", `worker dead-worker stopped answering during attempt 1; re-queued for attempt 2 of ${MAX_JOB_ATTEMPTS} (resumes after epoch 4)`],
    ]);

    // The dead worker cannot come back and write over the new owner.
    const again = (await claim("live-worker"))!;
    expect(again).toMatchObject({ id: job.id, attempts: 2, startedAt: job.startedAt });
    expect(await renewLease(job.id, "dead-worker", { leaseMs: LEASE_MS, db: env.db })).toMatchObject({ ok: false });
    expect(await completeJob(job.id, "dead-worker", { db: env.db })).toBe(false);
  });

  it("leaves a job alone whose lease was renewed", async () => {
    const job = (await enqueue(), await claim("slow-worker"))!;
    await renewLease(job.id, "slow-worker", { leaseMs: LEASE_MS, now: later(LEASE_MS), db: env.db });
    expect((await requeueExpiredJobs(later(LEASE_MS + 1_000), { db: env.db })).requeued).toEqual([]);
  });

  it("fails a job with a clear error once its workers stopped answering on every allowed attempt", async () => {
    const job = await enqueue();
    let now = Date.now();
    for (let attempt = 1; attempt <= MAX_JOB_ATTEMPTS; attempt++) {
      expect(await claim(`worker-${attempt}`, new Date(now))).toMatchObject({ id: job.id, attempts: attempt });
      now += LEASE_MS + 1_000;
      const report = await requeueExpiredJobs(new Date(now), { db: env.db });
      expect(attempt < MAX_JOB_ATTEMPTS ? report.requeued : report.failed).toEqual([job.id]);
    }
    const failed = await getJob(job.id, env.db);
    expect(failed).toMatchObject({ status: "failed", attempts: MAX_JOB_ATTEMPTS, workerId: `worker-${MAX_JOB_ATTEMPTS}` });
    expect(failed.error).toBe(
      `gave up after ${MAX_JOB_ATTEMPTS} attempts: the worker running it stopped answering each time (last: worker-${MAX_JOB_ATTEMPTS}); check that worker's log, e.g. for running out of memory`,
    );
    expect(await claim("worker-x", new Date(now))).toBeNull();
  });

  it("gives a job back without using up an attempt when its worker shuts down", async () => {
    const job = (await enqueue(), await claim("leaving"))!;
    expect(await releaseJob(job.id, "leaving", { db: env.db })).toBe("queued");
    expect(await getJob(job.id, env.db)).toMatchObject({ status: "queued", workerId: null, attempts: 0 });
    expect(await claim("staying")).toMatchObject({ id: job.id, attempts: 1, startedAt: job.startedAt });
  });
});

describe("cancelling", () => {
  it("cancels a queued job at once, so nobody claims it", async () => {
    const job = await enqueue();
    expect(await requestCancel(job.id, { db: env.db })).toBe("cancelled");
    expect(await getJob(job.id, env.db)).toMatchObject({ status: "cancelled" });
    expect(await claim("worker")).toBeNull();
    expect(await requestCancel(job.id, { db: env.db })).toBe("already_finished");
  });

  it("flags a running job, and its worker learns of it at the next lease renewal", async () => {
    const job = (await enqueue(), await claim("worker"))!;
    expect(await requestCancel(job.id, { db: env.db })).toBe("cancelling");
    expect(await getJob(job.id, env.db)).toMatchObject({ status: "running", cancelRequested: true });
    expect(await renewLease(job.id, "worker", { leaseMs: LEASE_MS, db: env.db })).toEqual({ ok: true, cancelRequested: true });
    expect(await markCancelled(job.id, "worker", { db: env.db })).toBe(true);
    expect(await getJob(job.id, env.db)).toMatchObject({ status: "cancelled" });
  });

  it("cancels instead of re-queueing when the worker of a job being cancelled dies or shuts down", async () => {
    const dying = (await enqueue(), await claim("dying"))!;
    await requestCancel(dying.id, { db: env.db });
    expect((await requeueExpiredJobs(later(LEASE_MS + 1_000), { db: env.db })).cancelled).toEqual([dying.id]);

    const leaving = (await enqueue(), await claim("leaving"))!;
    await requestCancel(leaving.id, { db: env.db });
    expect(await releaseJob(leaving.id, "leaving", { db: env.db })).toBe("cancelled");
    expect(await getJob(leaving.id, env.db)).toMatchObject({ status: "cancelled" });
  });

  it("throws for an unknown job", async () => {
    await expect(requestCancel("nope", { db: env.db })).rejects.toThrow("no training job nope");
  });

  it("answers the cancel route's unknown job with a 404", async () => {
    await expect(cancelTrainingJob("nope", env.db)).rejects.toMatchObject({ status: 404, message: "unknown training job" });
    expect(await cancelTrainingJob((await enqueue()).id, env.db)).toBe("cancelled");
  });
});

describe("job logs", () => {
  it("lists lines in order and only the newer ones after a given line", async () => {
    const job = await enqueue();
    await appendJobLog(job.id, "info", "one", undefined, { db: env.db });
    await appendJobLog(job.id, "metric", "two", { epoch: 1, loss: 0.5 }, { db: env.db });
    const all = await listJobLogs(job.id, { db: env.db });
    expect(all.map((l) => [l.message, l.metrics])).toEqual([
      ["one", null],
      ["two", { epoch: 1, loss: 0.5 }],
    ]);
    await appendJobLog(job.id, "warn", "three", undefined, { db: env.db });
    expect((await listJobLogs(job.id, { after: all[1]!.id, db: env.db })).map((l) => l.message)).toEqual(["three"]);
    await expect(appendJobLog(job.id, "debug" as "info", "x", undefined, { db: env.db })).rejects.toThrow(InvalidJobError);
  });

  it("records the failure message", async () => {
    const job = (await enqueue(), await claim("worker"))!;
    expect(await failJob(job.id, "worker", "dataset has no training images", { db: env.db })).toBe(true);
    expect(await getJob(job.id, env.db)).toMatchObject({ status: "failed", error: "dataset has no training images", leaseExpiresAt: null });
  });
});
