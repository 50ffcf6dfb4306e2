import { datasetClassesColumn } from "@/lib/contracts/stored/datasets";
import type { ClaimedJob } from "@/lib/contracts/http/worker-protocol";
import { parseStored } from "@/lib/contracts/stored/parse";
import { isOneOf, JOB_KINDS } from "@/lib/domain/states";
import type { TrainingJob } from "@/generated/prisma/client";
import { db as defaultDb, type Db } from "../platform/db";
import { blobStore, type BlobStore } from "../platform/storage";
import { evaluateOnTestSplit, storeEvaluation } from "../evaluation/model-evaluation";
import { benchmarkLatency, describeLatency } from "../models/latency-benchmark";
import { registerModelVersion } from "../models/model-registry";
import {
  appendJobLog,
  claimNextJob,
  endJob,
  getJob,
  recordBackend,
  recordCheckpoint,
  renewLease,
  requeueExpiredJobs,
} from "./job-queue";
import type { JobData, JobTransport } from "./job-transport";
import { trainingThreads } from "./feature-threads";
import { loadSplit } from "./training-data";

/** The job as a runner sees it, from its row. */
export function claimedJobOf(job: TrainingJob): ClaimedJob {
  if (!isOneOf(JOB_KINDS, job.kind)) throw new Error(`job ${job.id} has an unknown kind "${job.kind}"`);
  return {
    id: job.id,
    datasetId: job.datasetId,
    kind: job.kind,
    config: job.config,
    status: job.status,
    progress: job.progress,
    attempts: job.attempts,
    cancelRequested: job.cancelRequested,
    checkpointEpoch: job.checkpointEpoch,
  };
}

/** A worker beside the database: the job queue's functions, called in-process (`accept` passes over jobs this worker does not take). */
export function directTransport(workerId: string, deps: { db?: Db; store?: BlobStore; accept?: (candidate: { id: string; config: unknown }) => boolean } = {}): JobTransport {
  const database = () => deps.db ?? defaultDb();
  const store = () => deps.store ?? blobStore();
  return {
    workerId,
    async claimNext(kinds, leaseMs, report) {
      const { requeued, failed, cancelled } = await requeueExpiredJobs(new Date(), { db: database() });
      for (const id of requeued) report(`job ${id}: its worker stopped answering; re-queued`);
      for (const id of [...failed, ...cancelled]) report(`job ${id}: its worker stopped answering; ended (see the job's log)`);
      if (kinds.length === 0) return null;
      const job = await claimNextJob(workerId, { kinds, leaseMs, db: database(), accept: deps.accept });
      return job && claimedJobOf(job);
    },
    renewLease: (jobId, leaseMs, progress) => renewLease(jobId, workerId, { leaseMs, progress, db: database() }),
    log: (jobId, level, message, metrics) => appendJobLog(jobId, level, message, metrics, { db: database() }),
    recordBackend: (jobId, backend) => recordBackend(jobId, workerId, backend, { db: database() }),
    async saveCheckpoint(jobId, epoch, bytes) {
      return pointCheckpointAt(jobId, workerId, { key: await store().put(bytes), epoch }, { db: database(), store: store() });
    },
    loadCheckpoint: (jobId) => readCheckpoint(jobId, { db: database(), store: store() }),
    finish: (jobId, ending, error) => endJob(jobId, workerId, ending, error, { db: database() }),
    dataFor: (job) => directJobData(job, { db: database(), store: store() }),
  };
}

/**
 * Makes a stored blob the job's checkpoint and removes the one it replaces; false when the worker
 * no longer holds the job. Both transports save through this (the remote one after its upload).
 */
export async function pointCheckpointAt(jobId: string, workerId: string, checkpoint: { key: string; epoch: number }, deps: { db: Db; store: BlobStore }): Promise<boolean> {
  const { checkpointKey: previous } = await getJob(jobId, deps.db);
  // Only the owner may move the pointer: a worker that lost the job must not rewind it.
  if (!(await recordCheckpoint(jobId, workerId, checkpoint, { db: deps.db }))) return false;
  // One checkpoint per job is kept: a full-network checkpoint is tens of MB per epoch.
  if (previous && previous !== checkpoint.key) await deps.store.delete(previous);
  return true;
}

/** The job's last checkpoint with the epoch it ends, or null before the first. */
export async function readCheckpoint(jobId: string, deps: { db: Db; store: BlobStore }): Promise<{ epoch: number; bytes: Buffer } | null> {
  const { checkpointKey, checkpointEpoch } = await getJob(jobId, deps.db);
  if (checkpointKey === null || checkpointEpoch === null) return null;
  return { epoch: checkpointEpoch, bytes: await deps.store.get(checkpointKey) };
}

/** The splits a label audit reads (unassigned images are not labelled for training yet). */
const LABELLED_SPLITS = ["train", "val", "test"] as const;

/** A job's data straight from the database and the blob store. */
export function directJobData(job: Pick<ClaimedJob, "id" | "datasetId" | "kind">, deps: { db: Db; store: BlobStore }): JobData {
  const { db: database, store } = deps;
  return {
    images: store,
    async dataset() {
      const dataset = await database.dataset.findUniqueOrThrow({ where: { id: job.datasetId } });
      return { id: dataset.id, name: dataset.name, classes: parseStored(datasetClassesColumn, dataset.classes, dataset.id) };
    },
    split: (split, classes) => loadSplit(job.datasetId, split, classes, database),
    async labelledImages(classes) {
      const bySplit = await Promise.all(LABELLED_SPLITS.map(async (split) => ({ split, images: await loadSplit(job.datasetId, split, classes, database) })));
      return bySplit.flatMap(({ split, images }) => images.map((image) => ({ image, split })));
    },
    async registerModel(model) {
      const version = await registerModelVersion(
        { ...model, files: { ...model.files }, kind: job.kind, datasetId: job.datasetId, trainingJobId: job.id },
        store,
        database,
      );
      return { id: version.id, name: version.name, version: version.version };
    },
    async evaluateOnTestSplit(version) {
      const evaluation = await evaluateOnTestSplit(version.id, { store, db: database, threads: trainingThreads() });
      return { id: evaluation.id, imageCount: evaluation.imageCount, mAP50: evaluation.metrics.AP50, mAP50to95: evaluation.metrics.AP };
    },
    async benchmarkLatency(version, backend) {
      const latency = await benchmarkLatency(version.id, { store, db: database, backend, warmupRuns: 2, runs: 10, batchSizes: [1, 4] });
      return { message: describeLatency(latency), ids: latency.map((row) => row.id) };
    },
    async storeCrossValidation(k, snapshot, postprocess) {
      const evaluation = await storeEvaluation({ modelVersionId: null, trainingJobId: job.id, datasetId: job.datasetId, split: `cv${k}`, snapshot, postprocess }, { store, db: database });
      return { id: evaluation.id, mAP50: evaluation.metrics.AP50, mAP50to95: evaluation.metrics.AP };
    },
  };
}
