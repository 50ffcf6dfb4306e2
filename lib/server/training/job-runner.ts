import { setTimeout as sleep } from "node:timers/promises";
import type { TrainingJob } from "@/generated/prisma/client";
import type { ClaimedJob } from "@/lib/contracts/http/worker-protocol";
import type { LogFigures } from "@/lib/contracts/stored/training";
import { JOB_KINDS, type ComputeBackend, type JobKind, type JobLogLevel } from "@/lib/domain/states";
import type { TrainingPhase } from "@/lib/domain/training-phases";
import type { Db } from "../platform/db";
import type { BlobStore } from "../platform/storage";
import { MAX_JOB_ATTEMPTS } from "./job-queue";
import { startPhase, type PhaseOptions, type PhaseTracker } from "./job-phases";
import { claimedJobOf, directTransport } from "./direct-transport";
import type { JobData, JobTransport } from "./job-transport";

/**
 * Runs claimed training jobs: keeps the lease alive while a runner works, tells the runner to
 * stop (through an AbortSignal) when the job is cancelled, the lease is lost or the worker shuts
 * down, and records how it ended. What a job computes is the runner's business.
 */

/**
 * How long a job stays a worker's without a lease renewal. Generous compared with the heartbeat,
 * because a training step can hold the event loop for seconds; a dead worker's job waits this long
 * before another worker takes it over.
 */
export const DEFAULT_LEASE_MS = 60_000;

export interface JobContext {
  /** the job as claimed: config, attempts, checkpointEpoch … */
  job: ClaimedJob;
  /** its dataset in, its model and figures out (the database, or the server for a remote worker) */
  data: JobData;
  /** fires on a cancel request, a lost lease or worker shutdown: stop soon (signal.throwIfAborted()) */
  signal: AbortSignal;
  log(level: JobLogLevel, message: string, metrics?: LogFigures): Promise<void>;
  /** logs the start of a phase (preparing, caching, training …) and returns what logs its progress and end */
  startPhase(phase: TrainingPhase, options?: PhaseOptions): Promise<PhaseTracker>;
  /** 0..1; stored with the next lease renewal */
  setProgress(progress: number): void;
  setBackend(backend: ComputeBackend): Promise<void>;
  /** stores the bytes in the blob store and makes them the checkpoint a resumed job loads */
  saveCheckpoint(epoch: number, bytes: Uint8Array): Promise<void>;
  loadCheckpoint(): Promise<{ epoch: number; bytes: Buffer } | null>;
}

/**
 * Does a job's work. Resolving means it finished; throwing means it failed (the error's message is
 * stored). It must honour `signal` between steps; awaiting between batches also lets the lease be
 * renewed.
 */
export type JobRunner = (context: JobContext) => Promise<void>;

/** Which runner does each job kind; a worker claims only the kinds it has a runner for. */
export type JobRunnerRegistry = Partial<Record<JobKind, JobRunner>>;

export function runnableKinds(registry: JobRunnerRegistry): JobKind[] {
  return JOB_KINDS.filter((kind) => registry[kind] !== undefined);
}

/** Why a runner's signal fired; the reason decides what is recorded. */
export class CancelRequestedError extends Error {
  constructor() {
    super("the job was cancelled");
    this.name = "CancelRequestedError";
  }
}

export class LeaseLostError extends Error {
  constructor(workerId: string) {
    super(`worker ${workerId} no longer holds the job's lease`);
    this.name = "LeaseLostError";
  }
}

export class WorkerShutdownError extends Error {
  constructor() {
    super("the worker is shutting down");
    this.name = "WorkerShutdownError";
  }
}

export type JobOutcome = "succeeded" | "failed" | "cancelled" | "requeued" | "lost";

export interface RunOptions {
  workerId: string;
  leaseMs: number;
  heartbeatMs: number;
  /** the worker's shutdown signal */
  signal?: AbortSignal;
  /** how the worker reaches the queue; by default the database directly (db, store) */
  transport?: JobTransport;
  db?: Db;
  store?: BlobStore;
  /** the worker's own log (stdout), for what is not the job's business: stacks, renewal errors */
  report?: (line: string) => void;
}

export async function runClaimedJob(claimed: TrainingJob | ClaimedJob, runner: JobRunner, options: RunOptions): Promise<JobOutcome> {
  const job = "createdAt" in claimed ? claimedJobOf(claimed) : claimed;
  const transport = transportOf(options);
  const report = options.report ?? (() => undefined);
  const stop = new AbortController();
  const onShutdown = () => stop.abort(new WorkerShutdownError());
  if (options.signal?.aborted) onShutdown();
  options.signal?.addEventListener("abort", onShutdown, { once: true });
  // A cancel that arrived between the claim and now is honoured at once.
  if (job.cancelRequested) stop.abort(new CancelRequestedError());

  let progress = job.progress;
  const lease = keepLease(job.id, options, transport, stop, () => progress, report);
  await transport.log(job.id, "info", startLine(job, options.workerId));
  let failure: unknown = null;
  try {
    await runner(contextFor(job, stop.signal, options, transport, (p) => (progress = p)));
  } catch (error) {
    failure = error;
  } finally {
    await lease.stop();
    options.signal?.removeEventListener("abort", onShutdown);
  }
  return recordOutcome(job.id, stop.signal, failure, options.workerId, transport, report);
}

function transportOf(options: RunOptions): JobTransport {
  return options.transport ?? directTransport(options.workerId, { db: options.db, store: options.store });
}

function startLine(job: ClaimedJob, workerId: string): string {
  const resume = job.checkpointEpoch === null ? "" : `; resuming after epoch ${job.checkpointEpoch}`;
  return `started on ${workerId} (attempt ${job.attempts} of ${MAX_JOB_ATTEMPTS})${resume}`;
}

/**
 * Renews the lease every heartbeat and fires the runner's signal when the renewal says the job
 * was cancelled or is no longer this worker's. A failed renewal (database or server briefly
 * unreachable) is only reported: the next one may succeed, and the lease is long enough to miss
 * a few. A renewal refused for good (a revoked worker token) loses the job at once.
 */
function keepLease(jobId: string, options: RunOptions, transport: JobTransport, stop: AbortController, progress: () => number, report: (line: string) => void) {
  let inFlight: Promise<void> | null = null;
  const renew = async () => {
    const renewal = await transport.renewLease(jobId, options.leaseMs, progress());
    if (!renewal.ok) stop.abort(new LeaseLostError(options.workerId));
    else if (renewal.cancelRequested) stop.abort(new CancelRequestedError());
  };
  const timer = setInterval(() => {
    if (inFlight) return; // a slow database: skip a beat rather than pile renewals up
    inFlight = renew()
      .catch((error: Error) => {
        report(`job ${jobId}: lease renewal failed: ${error.message}`);
        if (isRefusedForGood(error)) stop.abort(new LeaseLostError(options.workerId));
      })
      .finally(() => (inFlight = null));
  }, options.heartbeatMs);
  return {
    async stop() {
      clearInterval(timer);
      await inFlight;
    },
  };
}

/** An error a transport marks as final (the server refused the worker's token): retrying cannot help. */
export class RefusedForGoodError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "RefusedForGoodError";
  }
}

function isRefusedForGood(error: unknown): boolean {
  return error instanceof RefusedForGoodError;
}

function contextFor(job: ClaimedJob, signal: AbortSignal, options: RunOptions, transport: JobTransport, setProgress: (p: number) => void): JobContext {
  const { workerId } = options;
  const log: JobContext["log"] = (level, message, metrics) => transport.log(job.id, level, message, metrics);
  return {
    job,
    data: transport.dataFor(job),
    signal,
    log,
    startPhase: (phase, phaseOptions) => startPhase(log, phase, phaseOptions),
    setProgress,
    async setBackend(backend) {
      if (!(await transport.recordBackend(job.id, backend))) throw new LeaseLostError(workerId);
    },
    async saveCheckpoint(epoch, bytes) {
      if (!(await transport.saveCheckpoint(job.id, epoch, bytes))) throw new LeaseLostError(workerId);
    },
    loadCheckpoint: () => transport.loadCheckpoint(job.id),
  };
}

/**
 * Records how the run ended. When the signal fired, its reason decides, whatever the runner did
 * after (a run stopped half-way is never "succeeded"). The status is written first and the log
 * line only if that write held, so the log never claims what did not happen.
 */
async function recordOutcome(jobId: string, signal: AbortSignal, failure: unknown, workerId: string, transport: JobTransport, report: (line: string) => void): Promise<JobOutcome> {
  const log = (level: JobLogLevel, message: string) => transport.log(jobId, level, message).catch((error: Error) => report(`job ${jobId}: could not log "${message}": ${error.message}`));
  const lost = async () => {
    report(`job ${jobId}: no longer this worker's job (its lease expired and it was re-queued, or the worker's token was revoked); nothing recorded`);
    await log("warn", `worker ${workerId} stopped its run: the job had been taken from it after a missed lease`);
    return "lost" as const;
  };
  const reason: unknown = signal.aborted ? signal.reason : null;
  if (reason instanceof LeaseLostError) return lost();
  if (reason instanceof CancelRequestedError) {
    if (!(await transport.finish(jobId, "cancelled")).ok) return lost();
    await log("info", "cancelled on request");
    return "cancelled";
  }
  if (reason instanceof WorkerShutdownError) {
    const { ok, released } = await transport.finish(jobId, "released");
    if (!ok) return lost();
    await log("info", released === "queued" ? `cancelled by worker shutdown (${workerId}) → re-queued` : "cancelled on request");
    return released === "queued" ? "requeued" : "cancelled";
  }
  if (failure !== null) {
    const message = failureMessage(failure);
    report(`job ${jobId} failed: ${failure instanceof Error ? (failure.stack ?? message) : message}`);
    if (!(await transport.finish(jobId, "failed", message)).ok) return lost();
    await log("error", `failed: ${message}`);
    return "failed";
  }
  if (!(await transport.finish(jobId, "succeeded")).ok) return lost();
  await log("info", "succeeded");
  return "succeeded";
}

/** What people see: the message only; the stack goes to the worker's own log. */
function failureMessage(failure: unknown): string {
  if (failure instanceof Error) return failure.message || failure.name;
  return String(failure);
}

export interface LoopOptions extends RunOptions {
  runners: JobRunnerRegistry;
  /** pause between looks at an empty queue */
  pollMs: number;
  /** the worker's shutdown signal: the loop claims nothing more and returns once the job in hand is recorded */
  signal: AbortSignal;
  onStatus?: (status: "idle" | "busy") => void;
}

/**
 * The worker's loop: re-queue jobs of dead workers, claim the next job this worker has a runner
 * for, run it, repeat; wait `pollMs` when there is nothing to do. Returns after shutdown.
 */
export async function runJobLoop(options: LoopOptions): Promise<void> {
  const kinds = runnableKinds(options.runners);
  const report = options.report ?? (() => undefined);
  while (!options.signal.aborted) {
    const job = await nextJob(kinds, options).catch((error: Error) => {
      // A revoked token ends the loop; anything else (a server restarting) is tried again.
      if (isRefusedForGood(error)) throw error;
      report(`looking for work failed: ${error.message}`);
      return null;
    });
    if (!job) {
      await sleep(options.pollMs, undefined, { signal: options.signal }).catch(() => undefined);
      continue;
    }
    options.onStatus?.("busy");
    report(`job ${job.id} (${job.kind}) claimed, attempt ${job.attempts}`);
    // Only kinds with a runner are claimed, so the runner exists.
    const outcome = await runClaimedJob(job, options.runners[job.kind as JobKind]!, options).catch((error: Error) => {
      // The job stays running until its lease runs out; then it is re-queued like a dead worker's.
      report(`job ${job.id}: recording its outcome failed: ${error.message}`);
      return "lost" as const;
    });
    report(`job ${job.id}: ${outcome}`);
    options.onStatus?.("idle");
  }
}

async function nextJob(kinds: JobKind[], options: LoopOptions): Promise<ClaimedJob | null> {
  return transportOf(options).claimNext(kinds, options.leaseMs, options.report ?? (() => undefined));
}
