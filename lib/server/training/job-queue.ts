import type { Prisma, TrainingJob } from "@/generated/prisma/client";
import type { CancelResult } from "@/lib/contracts/http/training";
import type { JobEnding } from "@/lib/contracts/http/worker-protocol";
import { parseStored, toStoredJson } from "@/lib/contracts/stored/parse";
import { trainingJobConfigColumn, trainingLogMetricsColumn, type LogFigures, type TrainingConfigInput } from "@/lib/contracts/stored/training";
import {
  COMPUTE_BACKENDS,
  isOneOf,
  JOB_KINDS,
  JOB_LOG_LEVELS,
  type ComputeBackend,
  type JobKind,
  type JobLogLevel,
  type JobStatus,
} from "@/lib/domain/states";
import { db as defaultDb, type Db } from "../platform/db";
import { NotFoundError } from "../platform/not-found";

/**
 * The training job queue, shared by every worker through the database. A worker owns a running
 * job only while its lease is fresh; every state change is a compare-and-set (`updateMany` with
 * the expected state in `where`, then `count`), never read-then-write, so it stays correct with
 * any number of worker processes and behaves the same on SQLite and PostgreSQL.
 */

/** Starts whose worker stopped answering before a job fails instead of going back to the queue. */
export const MAX_JOB_ATTEMPTS = 3;

/** How many queued jobs one claim looks at before reading the queue again. */
const CLAIM_BATCH = 8;
const MAX_ERROR_LENGTH = 2_000;

export class InvalidJobError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "InvalidJobError";
  }
}

export class JobNotFoundError extends NotFoundError {
  constructor(readonly jobId: string) {
    super(`no training job ${jobId}`);
    this.name = "JobNotFoundError";
  }
}

interface QueueOptions {
  db?: Db;
  now?: Date;
}

export interface NewJob {
  datasetId: string;
  kind: JobKind;
  /** as asked for; the runner resolves it against the presets of its kind */
  config: TrainingConfigInput;
  createdById?: string | null;
}

export async function enqueueJob(job: NewJob, options: { db?: Db } = {}): Promise<TrainingJob> {
  if (!isOneOf(JOB_KINDS, job.kind)) throw new InvalidJobError(`unknown job kind "${String(job.kind)}"; expected one of ${JOB_KINDS.join(", ")}`);
  const database = options.db ?? defaultDb();
  return database.trainingJob.create({
    data: { datasetId: job.datasetId, kind: job.kind, config: toStoredJson(trainingJobConfigColumn, job.config), createdById: job.createdById ?? null, status: "queued" },
  });
}

export async function getJob(jobId: string, database: Db = defaultDb()): Promise<TrainingJob> {
  const job = await database.trainingJob.findUnique({ where: { id: jobId } });
  if (!job) throw new JobNotFoundError(jobId);
  return job;
}

/**
 * Takes the oldest queued job of one of `kinds` for `workerId`, or returns null when there is
 * none. Candidates are read first, then each is taken with a compare-and-set on status queued:
 * when another worker wins the race for one, the next candidate is tried.
 */
export async function claimNextJob(
  workerId: string,
  options: { kinds: readonly JobKind[]; leaseMs: number; accept?: (candidate: { id: string; config: unknown }) => boolean } & QueueOptions,
): Promise<TrainingJob | null> {
  if (options.kinds.length === 0) return null;
  const database = options.db ?? defaultDb();
  const now = options.now ?? new Date();
  // Jobs this worker does not take (accept says no) are passed over, not claimed.
  const passed: string[] = [];
  // Ends: each pass either claims a job, passes over new jobs, or sees CLAIM_BATCH jobs leave the queue to others.
  for (;;) {
    const candidates = await database.trainingJob.findMany({
      where: { status: "queued", kind: { in: [...options.kinds] }, ...(passed.length ? { id: { notIn: passed } } : {}) },
      orderBy: [{ createdAt: "asc" }, { id: "asc" }],
      take: CLAIM_BATCH,
      select: { id: true, config: true },
    });
    if (candidates.length === 0) return null;
    for (const candidate of candidates) {
      if (options.accept && !options.accept(candidate)) {
        passed.push(candidate.id);
        continue;
      }
      if (await tryClaim(candidate.id, workerId, options.leaseMs, now, database)) return markStarted(candidate.id, now, database);
    }
  }
}

/** Claims one particular queued job (the command line runs the job it queued when no worker is up). */
export async function claimJob(jobId: string, workerId: string, options: { leaseMs: number } & QueueOptions): Promise<TrainingJob | null> {
  const database = options.db ?? defaultDb();
  const now = options.now ?? new Date();
  return (await tryClaim(jobId, workerId, options.leaseMs, now, database)) ? markStarted(jobId, now, database) : null;
}

async function tryClaim(jobId: string, workerId: string, leaseMs: number, now: Date, database: Db): Promise<boolean> {
  const claimed = await database.trainingJob.updateMany({
    where: { id: jobId, status: "queued" },
    data: { status: "running", workerId, leaseExpiresAt: leaseEnd(now, leaseMs), heartbeatAt: now, attempts: { increment: 1 } },
  });
  return claimed.count === 1;
}

/** Sets startedAt on the first start only (a resumed job keeps when it first started). */
async function markStarted(jobId: string, now: Date, database: Db): Promise<TrainingJob> {
  await database.trainingJob.updateMany({ where: { id: jobId, startedAt: null }, data: { startedAt: now } });
  return getJob(jobId, database);
}

/** The condition of every write a worker makes to its job: it still owns it. */
function ownedBy(jobId: string, workerId: string): Prisma.TrainingJobWhereInput {
  return { id: jobId, workerId, status: "running" };
}

function leaseEnd(now: Date, leaseMs: number): Date {
  return new Date(now.getTime() + leaseMs);
}

export interface LeaseRenewal {
  /** false: the job is no longer this worker's (re-queued after a missed lease, or finished) */
  ok: boolean;
  /** someone asked to cancel the job: the runner should stop */
  cancelRequested: boolean;
}

/** Extends the lease, and records progress, if the worker still owns the job. */
export async function renewLease(
  jobId: string,
  workerId: string,
  options: { leaseMs: number; progress?: number } & QueueOptions,
): Promise<LeaseRenewal> {
  const database = options.db ?? defaultDb();
  const now = options.now ?? new Date();
  const progress = options.progress === undefined ? {} : { progress: clampProgress(options.progress) };
  const renewed = await database.trainingJob.updateMany({
    where: ownedBy(jobId, workerId),
    data: { leaseExpiresAt: leaseEnd(now, options.leaseMs), heartbeatAt: now, ...progress },
  });
  if (renewed.count === 0) return { ok: false, cancelRequested: false };
  const job = await database.trainingJob.findUnique({ where: { id: jobId }, select: { cancelRequested: true } });
  return { ok: true, cancelRequested: job?.cancelRequested ?? false };
}

function clampProgress(progress: number): number {
  return Number.isFinite(progress) ? Math.min(1, Math.max(0, progress)) : 0;
}

export interface RequeueReport {
  requeued: string[];
  failed: string[];
  cancelled: string[];
}

/**
 * Running jobs whose lease ran out belong to a worker that died (or hung): they go back to the
 * queue with their attempts and checkpoint, so the next worker resumes them. A job that already
 * used `maxAttempts` starts fails instead (it may be what kills its workers), and one whose
 * cancel was requested is cancelled. Safe to run from every worker at once: each change is a
 * compare-and-set on the expired lease that was read.
 */
export async function requeueExpiredJobs(
  now: Date = new Date(),
  options: { db?: Db; maxAttempts?: number } = {},
): Promise<RequeueReport> {
  const database = options.db ?? defaultDb();
  const maxAttempts = options.maxAttempts ?? MAX_JOB_ATTEMPTS;
  const expired = await database.trainingJob.findMany({
    where: { status: "running", leaseExpiresAt: { lt: now } },
    select: { id: true, workerId: true, attempts: true, cancelRequested: true, checkpointEpoch: true },
  });
  const report: RequeueReport = { requeued: [], failed: [], cancelled: [] };
  for (const job of expired) {
    const next = afterExpiry(job, maxAttempts, now);
    const taken = await database.trainingJob.updateMany({
      // Also matching cancelRequested: a cancel that arrives meanwhile is decided on next time.
      where: { id: job.id, status: "running", workerId: job.workerId, cancelRequested: job.cancelRequested, leaseExpiresAt: { lt: now } },
      data: next.data,
    });
    if (taken.count === 0) continue; // renewed, finished or handled by another worker meanwhile
    report[next.outcome].push(job.id);
    await appendJobLog(job.id, next.level, next.message, undefined, { db: database });
  }
  return report;
}

interface ExpiredJob {
  workerId: string | null;
  attempts: number;
  cancelRequested: boolean;
  checkpointEpoch: number | null;
}

function afterExpiry(job: ExpiredJob, maxAttempts: number, now: Date) {
  const who = `worker ${job.workerId ?? "(removed)"} stopped answering during attempt ${job.attempts}`;
  const finished = { leaseExpiresAt: null, finishedAt: now };
  if (job.cancelRequested) {
    return { outcome: "cancelled", level: "info", message: `${who}; the requested cancel is done`, data: { ...finished, status: "cancelled" } } as const;
  }
  if (job.attempts >= maxAttempts) {
    const error = `gave up after ${job.attempts} attempts: the worker running it stopped answering each time (last: ${job.workerId ?? "unknown"}); check that worker's log, e.g. for running out of memory`;
    return { outcome: "failed", level: "error", message: `${who}; ${error}`, data: { ...finished, status: "failed", error } } as const;
  }
  const resume = job.checkpointEpoch === null ? "starts over" : `resumes after epoch ${job.checkpointEpoch}`;
  return {
    outcome: "requeued",
    level: "warn",
    message: `${who}; re-queued for attempt ${job.attempts + 1} of ${maxAttempts} (${resume})`,
    data: { status: "queued", workerId: null, leaseExpiresAt: null, heartbeatAt: null },
  } as const;
}

/**
 * A queued job is cancelled at once; a running one gets cancelRequested, which its worker reads
 * at the next lease renewal (within a heartbeat) and then stops and records the cancel.
 */
export async function requestCancel(jobId: string, options: QueueOptions = {}): Promise<CancelResult> {
  const database = options.db ?? defaultDb();
  const now = options.now ?? new Date();
  // Loops only when the job moved between queued and running between two of these writes.
  for (;;) {
    const queued = await database.trainingJob.updateMany({
      where: { id: jobId, status: "queued" },
      data: { status: "cancelled", cancelRequested: true, finishedAt: now },
    });
    if (queued.count === 1) {
      await appendJobLog(jobId, "info", "cancelled before it started", undefined, { db: database });
      return "cancelled";
    }
    const running = await database.trainingJob.updateMany({ where: { id: jobId, status: "running" }, data: { cancelRequested: true } });
    if (running.count === 1) {
      await appendJobLog(jobId, "info", "cancel requested; the worker stops at its next heartbeat", undefined, { db: database });
      return "cancelling";
    }
    const job = await getJob(jobId, database);
    if (job.status !== "queued" && job.status !== "running") return "already_finished";
  }
}

/** The runner finished its work. False when the worker no longer owns the job. */
export async function completeJob(jobId: string, workerId: string, options: QueueOptions = {}): Promise<boolean> {
  return finish(jobId, workerId, "succeeded", { progress: 1 }, options);
}

/** The runner failed; `error` is one message for people (never a stack trace). */
export async function failJob(jobId: string, workerId: string, error: string, options: QueueOptions = {}): Promise<boolean> {
  return finish(jobId, workerId, "failed", { error: error.slice(0, MAX_ERROR_LENGTH) }, options);
}

/** The runner stopped because a cancel was requested. */
export async function markCancelled(jobId: string, workerId: string, options: QueueOptions = {}): Promise<boolean> {
  return finish(jobId, workerId, "cancelled", {}, options);
}

async function finish(
  jobId: string,
  workerId: string,
  status: Extract<JobStatus, "succeeded" | "failed" | "cancelled">,
  extra: Prisma.TrainingJobUpdateManyMutationInput,
  options: QueueOptions,
): Promise<boolean> {
  const database = options.db ?? defaultDb();
  const finished = await database.trainingJob.updateMany({
    where: ownedBy(jobId, workerId),
    data: { ...extra, status, finishedAt: options.now ?? new Date(), leaseExpiresAt: null },
  });
  return finished.count === 1;
}

/**
 * A worker that shuts down gives its job back to the queue to resume elsewhere. This start does
 * not count as an attempt (nothing went wrong with the job). A job whose cancel was requested
 * meanwhile is cancelled instead. Null when the worker no longer owned the job.
 */
export async function releaseJob(jobId: string, workerId: string, options: { db?: Db } = {}): Promise<"queued" | "cancelled" | null> {
  const database = options.db ?? defaultDb();
  const requeued = await database.trainingJob.updateMany({
    where: { ...ownedBy(jobId, workerId), cancelRequested: false },
    data: { status: "queued", workerId: null, leaseExpiresAt: null, heartbeatAt: null, attempts: { decrement: 1 } },
  });
  if (requeued.count === 1) return "queued";
  return (await markCancelled(jobId, workerId, { db: database })) ? "cancelled" : null;
}

/**
 * How a worker's run of a job ended, recorded in one call (what both job transports send):
 * succeeded, failed (with a message for people), cancelled on request, or released back to the
 * queue by a worker shutting down. ok false when the worker no longer held the job.
 */
export async function endJob(
  jobId: string,
  workerId: string,
  ending: JobEnding,
  error: string | undefined,
  options: QueueOptions = {},
): Promise<{ ok: boolean; released: "queued" | "cancelled" | null }> {
  if (ending === "released") {
    const released = await releaseJob(jobId, workerId, options);
    return { ok: released !== null, released };
  }
  const ok =
    ending === "succeeded" ? await completeJob(jobId, workerId, options) : ending === "failed" ? await failJob(jobId, workerId, error ?? "failed", options) : await markCancelled(jobId, workerId, options);
  return { ok, released: null };
}

/** Points the job at its newest checkpoint (a blob key); false when the worker lost the job. */
export async function recordCheckpoint(
  jobId: string,
  workerId: string,
  checkpoint: { key: string; epoch: number },
  options: { db?: Db } = {},
): Promise<boolean> {
  const database = options.db ?? defaultDb();
  const recorded = await database.trainingJob.updateMany({
    where: ownedBy(jobId, workerId),
    data: { checkpointKey: checkpoint.key, checkpointEpoch: checkpoint.epoch },
  });
  return recorded.count === 1;
}

export async function recordBackend(jobId: string, workerId: string, backend: ComputeBackend, options: { db?: Db } = {}): Promise<boolean> {
  if (!isOneOf(COMPUTE_BACKENDS, backend)) throw new InvalidJobError(`unknown backend "${String(backend)}"; expected one of ${COMPUTE_BACKENDS.join(", ")}`);
  const database = options.db ?? defaultDb();
  const recorded = await database.trainingJob.updateMany({ where: ownedBy(jobId, workerId), data: { backend } });
  return recorded.count === 1;
}

export async function appendJobLog(
  jobId: string,
  level: JobLogLevel,
  message: string,
  metrics?: LogFigures,
  options: { db?: Db } = {},
): Promise<void> {
  if (!isOneOf(JOB_LOG_LEVELS, level)) throw new InvalidJobError(`unknown log level "${String(level)}"; expected one of ${JOB_LOG_LEVELS.join(", ")}`);
  const database = options.db ?? defaultDb();
  await database.trainingLog.create({ data: { jobId, level, message, metrics: metrics && toStoredJson(trainingLogMetricsColumn, metrics) } });
}

/**
 * A job's log in order; `after` (the id of the last line a reader has) returns only newer lines,
 * so a page can follow a running job by polling.
 */
export async function listJobLogs(jobId: string, options: { after?: string; take?: number; db?: Db } = {}) {
  const database = options.db ?? defaultDb();
  const lines = await database.trainingLog.findMany({
    where: { jobId },
    orderBy: [{ at: "asc" }, { id: "asc" }],
    ...(options.after ? { cursor: { id: options.after }, skip: 1 } : {}),
    take: options.take ?? 500,
  });
  return lines.map((line) => ({ ...line, metrics: parseStored(trainingLogMetricsColumn, line.metrics, line.id) }));
}
