import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { TrainingJob } from "@/generated/prisma/client";
import { claimNextJob, enqueueJob, getJob, listJobLogs, requestCancel, requeueExpiredJobs } from "./job-queue";
import {
  CancelRequestedError,
  LeaseLostError,
  runClaimedJob,
  runJobLoop,
  runnableKinds,
  WorkerShutdownError,
  type JobContext,
  type JobRunner,
} from "./job-runner";
import { createTestEnv, type TestEnv } from "../testing/test-env";

const HEARTBEAT_MS = 50;
const LEASE_MS = 10_000;

let env: TestEnv;
let datasetId: string;
beforeEach(async () => {
  env = await createTestEnv();
  datasetId = (await env.db.dataset.create({ data: { name: "masks", classes: ["with_mask"] } })).id;
});
afterEach(() => env.cleanup());

async function queuedAndClaimedBy(workerId: string): Promise<TrainingJob> {
  await enqueueJob({ datasetId, kind: "one_stage", config: { epochs: 5 } }, { db: env.db });
  return (await claimBy(workerId))!;
}

async function claimBy(workerId: string, leaseMs = LEASE_MS): Promise<TrainingJob | null> {
  await env.db.worker.upsert({ where: { id: workerId }, create: { id: workerId, kind: "training", hostname: "test", pid: 1, status: "idle" }, update: {} });
  return claimNextJob(workerId, { kinds: ["one_stage"], leaseMs, db: env.db });
}

function run(job: TrainingJob, runner: JobRunner, workerId: string, extra: { heartbeatMs?: number; signal?: AbortSignal } = {}) {
  return runClaimedJob(job, runner, { workerId, leaseMs: LEASE_MS, heartbeatMs: extra.heartbeatMs ?? HEARTBEAT_MS, signal: extra.signal, db: env.db, store: env.store });
}

/** A runner that works in small awaited steps until its signal fires (as a trainer's batches do). */
function untilStopped(onStart?: (context: JobContext) => Promise<void>) {
  let started!: () => void;
  const running = new Promise<void>((resolve) => (started = resolve));
  const seen: { reason?: unknown; stoppedAt?: number } = {};
  const runner: JobRunner = async (context) => {
    await onStart?.(context);
    started();
    while (!context.signal.aborted) await sleep(5);
    seen.reason = context.signal.reason;
    seen.stoppedAt = performance.now();
    context.signal.throwIfAborted();
  };
  return { runner, running, seen };
}

async function logLines(jobId: string): Promise<string[]> {
  return (await listJobLogs(jobId, { db: env.db })).map((line) => `${line.level}: ${line.message}`);
}

describe("runClaimedJob", () => {
  it("records success, the runner's log lines, progress and backend", async () => {
    const job = await queuedAndClaimedBy("worker-a");
    const outcome = await run(
      job,
      async ({ log, setProgress, setBackend, job: given }) => {
        expect(given.config).toEqual({ epochs: 5 });
        await setBackend("wasm");
        setProgress(0.5);
        await sleep(HEARTBEAT_MS * 3); // lets a lease renewal carry the progress
        expect((await getJob(job.id, env.db)).progress).toBe(0.5);
        await log("metric", "epoch 1", { epoch: 1, loss: 0.7 });
      },
      "worker-a",
    );
    expect(outcome).toBe("succeeded");
    expect(await getJob(job.id, env.db)).toMatchObject({ status: "succeeded", progress: 1, backend: "wasm", error: null });
    expect(await logLines(job.id)).toEqual([`info: started on worker-a (attempt 1 of 3)`, "metric: epoch 1", "info: succeeded"]);
  });

  it("records a failure with the error's message and no stack trace", async () => {
    const job = await queuedAndClaimedBy("worker-a");
    const outcome = await run(
      job,
      async () => {
        throw new Error("the train split has no labelled images");
      },
      "worker-a",
    );
    expect(outcome).toBe("failed");
    expect(await getJob(job.id, env.db)).toMatchObject({ status: "failed", error: "the train split has no labelled images" });
    const lines = await logLines(job.id);
    expect(lines.at(-1)).toBe("error: failed: the train split has no labelled images");
    expect(lines.join("\n")).not.toMatch(/\bat .*:\d+/);
  });

  it("stops a running job within a heartbeat of a cancel request and records the cancel", async () => {
    const job = await queuedAndClaimedBy("worker-a");
    const { runner, running, seen } = untilStopped();
    const outcome = run(job, runner, "worker-a");
    await running;
    const cancelledAt = performance.now();
    expect(await requestCancel(job.id, { db: env.db })).toBe("cancelling");
    expect(await outcome).toBe("cancelled");

    expect(seen.reason).toBeInstanceOf(CancelRequestedError);
    // One heartbeat (50 ms) plus the database round trips and timer slack of a busy machine.
    expect(seen.stoppedAt! - cancelledAt).toBeLessThan(HEARTBEAT_MS + 250);
    expect(await getJob(job.id, env.db)).toMatchObject({ status: "cancelled", error: null });
    expect((await logLines(job.id)).slice(-2)).toEqual(["info: cancel requested; the worker stops at its next heartbeat", "info: cancelled on request"]);
  });

  it("resumes a job from its checkpoint on another worker after its first worker was killed", async () => {
    const job = await queuedAndClaimedBy("killed");
    // The first worker saves a checkpoint, then dies: its heartbeat never runs again.
    const first = untilStopped(async ({ saveCheckpoint, loadCheckpoint }) => {
      expect(await loadCheckpoint()).toBeNull();
      await saveCheckpoint(2, new Uint8Array([1, 2, 3]));
    });
    const killed = new AbortController();
    const zombie = run(job, first.runner, "killed", { heartbeatMs: 3_600_000, signal: killed.signal });
    await first.running;

    expect((await requeueExpiredJobs(new Date(Date.now() + LEASE_MS + 1_000), { db: env.db })).requeued).toEqual([job.id]);
    const resumed = (await claimBy("survivor"))!;
    expect(resumed).toMatchObject({ id: job.id, attempts: 2, checkpointEpoch: 2 });
    let loaded: Awaited<ReturnType<JobContext["loadCheckpoint"]>> = null;
    const outcome = await run(
      resumed,
      async ({ loadCheckpoint }) => {
        loaded = await loadCheckpoint();
      },
      "survivor",
    );
    expect(outcome).toBe("succeeded");
    expect(loaded).toEqual({ epoch: 2, bytes: Buffer.from([1, 2, 3]) });
    expect(await logLines(job.id)).toContain("info: started on survivor (attempt 2 of 3); resuming after epoch 2");

    // Had the first worker only hung, it could not write over the finished job when it wakes.
    killed.abort();
    expect(await zombie).toBe("lost");
    expect(await getJob(job.id, env.db)).toMatchObject({ status: "succeeded", workerId: "survivor" });
  });

  it("stops the runner of a worker whose job was taken over after a missed lease, recording nothing for it", async () => {
    await enqueueJob({ datasetId, kind: "one_stage", config: {} }, { db: env.db });
    const job = (await claimBy("stalled", 1))!; // a lease that has already run out
    await sleep(5);
    await requeueExpiredJobs(new Date(), { db: env.db });
    await claimBy("other");

    const { runner, seen } = untilStopped();
    expect(await run(job, runner, "stalled")).toBe("lost");
    expect(seen.reason).toBeInstanceOf(LeaseLostError);
    expect(await getJob(job.id, env.db)).toMatchObject({ status: "running", workerId: "other" });
  });

  it("refuses a checkpoint from a worker that lost the job", async () => {
    await enqueueJob({ datasetId, kind: "one_stage", config: {} }, { db: env.db });
    const job = (await claimBy("stalled", 1))!;
    await sleep(5);
    await requeueExpiredJobs(new Date(), { db: env.db });
    const outcome = await run(job, ({ saveCheckpoint }) => saveCheckpoint(7, new Uint8Array([9])), "stalled", { heartbeatMs: 3_600_000 });
    expect(outcome).toBe("lost");
    expect(await getJob(job.id, env.db)).toMatchObject({ status: "queued", checkpointEpoch: null });
  });

  it("gives the job back to the queue when the worker shuts down, so another worker resumes it", async () => {
    const job = await queuedAndClaimedBy("leaving");
    const { runner, running, seen } = untilStopped();
    const shutdown = new AbortController();
    const outcome = run(job, runner, "leaving", { signal: shutdown.signal });
    await running;
    shutdown.abort();
    expect(await outcome).toBe("requeued");
    expect(seen.reason).toBeInstanceOf(WorkerShutdownError);
    expect(await getJob(job.id, env.db)).toMatchObject({ status: "queued", workerId: null, attempts: 0 });
    expect((await logLines(job.id)).at(-1)).toBe("info: cancelled by worker shutdown (leaving) → re-queued");
    expect(await claimBy("staying")).toMatchObject({ id: job.id, attempts: 1 });
  });
});

describe("runJobLoop", () => {
  it("claims only kinds it has a runner for, re-queues dead workers' jobs, and returns on shutdown", async () => {
    expect(runnableKinds({})).toEqual([]);
    const ran: string[] = [];
    const runners = { one_stage: async ({ job }: JobContext) => void ran.push(job.id) };
    expect(runnableKinds(runners)).toEqual(["one_stage"]);

    const twoStage = await enqueueJob({ datasetId, kind: "two_stage", config: {} }, { db: env.db });
    await enqueueJob({ datasetId, kind: "one_stage", config: {} }, { db: env.db });
    const orphan = (await claimBy("dead", 1))!; // its worker died: the lease is already over
    const fresh = await enqueueJob({ datasetId, kind: "one_stage", config: {} }, { db: env.db });

    await env.db.worker.create({ data: { id: "looper", kind: "training", hostname: "test", pid: 1, status: "idle" } });
    const shutdown = new AbortController();
    const statuses: string[] = [];
    const loop = runJobLoop({
      workerId: "looper",
      runners,
      leaseMs: LEASE_MS,
      heartbeatMs: HEARTBEAT_MS,
      pollMs: 20,
      signal: shutdown.signal,
      db: env.db,
      store: env.store,
      onStatus: (status) => statuses.push(status),
    });
    for (let waited = 0; ran.length < 2 && waited < 5_000; waited += 20) await sleep(20);
    shutdown.abort();
    await loop;

    expect(ran).toEqual([orphan.id, fresh.id]);
    expect(await getJob(orphan.id, env.db)).toMatchObject({ status: "succeeded", attempts: 2, workerId: "looper" });
    expect(await getJob(twoStage.id, env.db)).toMatchObject({ status: "queued" });
    expect(statuses).toEqual(["busy", "idle", "busy", "idle"]);
  });

  it("on shutdown, stops the job in hand, re-queues it and returns without claiming more", async () => {
    const job = await enqueueJob({ datasetId, kind: "one_stage", config: {} }, { db: env.db });
    await enqueueJob({ datasetId, kind: "one_stage", config: {} }, { db: env.db });
    await env.db.worker.create({ data: { id: "looper", kind: "training", hostname: "test", pid: 1, status: "idle" } });
    const { runner, running, seen } = untilStopped();
    const shutdown = new AbortController();
    const loop = runJobLoop({ workerId: "looper", runners: { one_stage: runner }, leaseMs: LEASE_MS, heartbeatMs: HEARTBEAT_MS, pollMs: 20, signal: shutdown.signal, db: env.db, store: env.store });
    await running;
    shutdown.abort(new WorkerShutdownError());
    await loop;

    expect(seen.reason).toBeInstanceOf(WorkerShutdownError);
    expect(await getJob(job.id, env.db)).toMatchObject({ status: "queued", workerId: null, attempts: 0 });
    expect(await env.db.trainingJob.count({ where: { status: "queued" } })).toBe(2);
    expect((await logLines(job.id)).at(-1)).toBe("info: cancelled by worker shutdown (looper) → re-queued");
  });
});
