import { randomBytes } from "node:crypto";
import {
  WORKER_ID_HEADER,
  jobSnapshotSchema,
  type ClaimedJob,
  type JobEnding,
  type JobSnapshot,
  type registerModelRequestSchema,
  type testDetectionsRequestSchema,
} from "@/lib/contracts/http/worker-protocol";
import { datasetClassesColumn } from "@/lib/contracts/stored/datasets";
import { parseStored, parseStoredText, toStoredJson } from "@/lib/contracts/stored/parse";
import { trainingJobConfigColumn, workerCapabilitiesColumn, type LogFigures, type WorkerCapabilities } from "@/lib/contracts/stored/training";
import { parseModelMetadata } from "@/lib/contracts/artifact";
import { storedBlob } from "@/lib/contracts/stored/parse";
import { isFinishedJobStatus, type ComputeBackend, type JobKind, type JobLogLevel } from "@/lib/domain/states";
import type { z } from "zod";
import { db as defaultDb, type Db } from "../../platform/db";
import { DomainError } from "../../platform/errors";
import type { BlobStore } from "../../platform/storage";
import type { Actor } from "../../auth/guard";
import { registerModelVersion } from "../../models/model-registry";
import { scoreTestSplitDetections } from "../../evaluation/model-evaluation";
import { directTransport, pointCheckpointAt, readCheckpoint } from "../direct-transport";
import {
  appendJobLog,
  endJob,
  getJob,
  recordBackend,
  renewLease,
} from "../job-queue";
import { HEARTBEAT_INTERVAL_MS } from "../worker-registry";
import { DEFAULT_LEASE_MS } from "../job-runner";
import { loadSplit } from "../training-data";
import { completedUpload, forgetUploads } from "./uploads";

/**
 * The server's side of remote training workers: what the /api/worker routes call. A worker holds
 * a worker token (an API key with the "worker" scope); it registers once and names itself in
 * every later request. Nothing it sends is trusted beyond the job it holds: every job route
 * checks that the job is running under this worker, and every write goes through the job queue's
 * compare-and-set on that ownership, exactly as for a worker beside the database.
 */

export class WorkerRefusedError extends DomainError {
  readonly status = 403;
}
export class WorkerUnknownError extends DomainError {
  readonly status = 401;
}
/** The job is not (or no longer) running under this worker: its lease expired, it was cancelled, or it never was its. */
export class JobNotHeldError extends DomainError {
  readonly status = 409;
}
export class ArtifactRejectedError extends DomainError {
  readonly status = 422;
}

/** A worker as authenticated for one request. */
export interface RemoteWorker {
  workerId: string;
  tokenId: string;
}

/** The token's id, for a worker token; a signed-in person is refused (the worker routes are for machines). */
export function workerTokenOf(actor: Actor): string {
  if (actor.kind !== "apiKey") throw new WorkerRefusedError("the worker routes take a worker token (Authorization: Bearer mk_…), not a browser session");
  return actor.keyId;
}

export async function registerRemoteWorker(tokenId: string, input: { hostname: string; pid: number; capabilities: WorkerCapabilities }, database: Db = defaultDb()) {
  const host = input.hostname.replace(/[^A-Za-z0-9._-]/g, "-").slice(0, 60) || "host";
  const id = `training-${host}-${input.pid}-${randomBytes(3).toString("hex")}`;
  await database.worker.create({
    data: { id, kind: "training", hostname: input.hostname.slice(0, 200), pid: input.pid, status: "idle", tokenId, capabilities: toStoredJson(workerCapabilitiesColumn, { ...input.capabilities, via: "remote" }) },
  });
  // MASKLAB_WORKER_LEASE_MS: how long a remote worker's job survives its silence before another worker takes it over.
  const leaseMs = Number(process.env.MASKLAB_WORKER_LEASE_MS) || DEFAULT_LEASE_MS;
  return { workerId: id, leaseMs, heartbeatMs: Math.min(HEARTBEAT_INTERVAL_MS, Math.floor(leaseMs / 4)) };
}

/** The worker a request names, if it registered with this same token. */
export async function requireWorker(tokenId: string, workerId: string | null, database: Db = defaultDb()): Promise<RemoteWorker> {
  if (!workerId) throw new WorkerUnknownError("name the worker in the X-Masklab-Worker header (register first)");
  const worker = await database.worker.findUnique({ where: { id: workerId }, select: { id: true, tokenId: true, status: true } });
  if (!worker || worker.tokenId !== tokenId) throw new WorkerUnknownError(`no worker ${workerId.slice(0, 80)} registered with this token: register again`);
  return { workerId: worker.id, tokenId };
}

/** The worker behind a request: its token, and the worker it names (X-Masklab-Worker). */
export async function workerOf(request: Request, actor: Actor, database: Db = defaultDb()): Promise<RemoteWorker> {
  return requireWorker(workerTokenOf(actor), request.headers.get(WORKER_ID_HEADER), database);
}

export async function remoteHeartbeat(worker: RemoteWorker, status: "idle" | "busy" | "stopped", database: Db = defaultDb()): Promise<void> {
  await database.worker.update({ where: { id: worker.workerId }, data: { status, lastHeartbeatAt: new Date() } });
}

/**
 * Re-queues jobs of workers that stopped answering (as every worker does before it claims), then
 * claims the oldest queued job of these kinds. Cross-validation label audits read every split's
 * labels, test included, which a remote worker never receives: they stay for database workers.
 */
export async function remoteClaim(worker: RemoteWorker, kinds: readonly JobKind[], leaseMs: number, database: Db = defaultDb()): Promise<ClaimedJob | null> {
  const transport = directTransport(worker.workerId, { db: database, accept: (candidate) => !isCrossValidation(candidate) });
  return transport.claimNext(kinds, leaseMs, () => undefined);
}

/** A config that does not parse is not passed over: the runner that claims it fails it in words. */
function isCrossValidation(job: { config: unknown }): boolean {
  const config = trainingJobConfigColumn.schema.safeParse(job.config);
  return config.success && config.data.crossValidationFolds > 0;
}

/**
 * The job, if it is running under this worker; every job route starts here. `orJustEnded` also
 * accepts the job this worker has just finished (it stays the job's worker until another claims
 * it), so the run's last log line ("succeeded", "failed: …") lands after its status, as on the
 * database path.
 */
export async function heldJob(worker: RemoteWorker, jobId: string, database: Db = defaultDb(), options: { orJustEnded?: boolean } = {}) {
  const job = await database.trainingJob.findUnique({ where: { id: jobId } });
  const ended = options.orJustEnded && job !== null && isFinishedJobStatus(job.status);
  if (!job || job.workerId !== worker.workerId || (job.status !== "running" && !ended)) {
    throw new JobNotHeldError(`job ${jobId.slice(0, 40)} is not running under this worker (its lease may have expired, or it was cancelled or never claimed by it)`);
  }
  return job;
}

export async function remoteRenewLease(worker: RemoteWorker, jobId: string, leaseMs: number, progress: number | undefined, database: Db = defaultDb()) {
  return renewLease(jobId, worker.workerId, { leaseMs, progress, db: database });
}

export async function remoteLog(worker: RemoteWorker, jobId: string, line: { level: JobLogLevel; message: string; metrics?: LogFigures }, database: Db = defaultDb()): Promise<void> {
  await heldJob(worker, jobId, database, { orJustEnded: true });
  await appendJobLog(jobId, line.level, line.message, line.metrics, { db: database });
}

export async function remoteRecordBackend(worker: RemoteWorker, jobId: string, backend: ComputeBackend, database: Db = defaultDb()): Promise<boolean> {
  await heldJob(worker, jobId, database);
  return recordBackend(jobId, worker.workerId, backend, { db: database });
}

export async function remoteFinish(worker: RemoteWorker, jobId: string, ending: JobEnding, error: string | undefined, database: Db = defaultDb()) {
  await heldJob(worker, jobId, database);
  return endJob(jobId, worker.workerId, ending, error ?? "failed on a remote worker", { db: database });
}

// ── Checkpoints ─────────────────────────────────────────────────────────────────────────────

/** Points the job at a finished checkpoint upload; the previous checkpoint's blob goes. */
export async function remoteRecordCheckpoint(worker: RemoteWorker, jobId: string, uploadId: string, epoch: number, deps: { store: BlobStore; db?: Db }): Promise<boolean> {
  const database = deps.db ?? defaultDb();
  await heldJob(worker, jobId, database);
  const { key } = await completedUpload(uploadId, jobId, "checkpoint", { store: deps.store, db: database });
  if (!(await pointCheckpointAt(jobId, worker.workerId, { key, epoch }, { db: database, store: deps.store }))) return false;
  await forgetUploads(jobId, "checkpoint", uploadId, database);
  return true;
}

export async function remoteCheckpoint(worker: RemoteWorker, jobId: string, deps: { store: BlobStore; db?: Db }): Promise<{ epoch: number; bytes: Buffer } | null> {
  const database = deps.db ?? defaultDb();
  await heldJob(worker, jobId, database);
  return readCheckpoint(jobId, { db: database, store: deps.store });
}

// ── The dataset snapshot ────────────────────────────────────────────────────────────────────

const jobSnapshotBlob = storedBlob("job dataset snapshot", jobSnapshotSchema);

/**
 * The images and labels the job trains on, fixed at the first request: a resumed job, on any
 * worker, sees the same snapshot. Train and val carry their labels; the test split only its
 * images (the worker predicts them; the server scores against labels it keeps).
 */
export async function jobSnapshot(worker: RemoteWorker, jobId: string, deps: { store: BlobStore; db?: Db }): Promise<{ key: string; snapshot: JobSnapshot }> {
  const database = deps.db ?? defaultDb();
  const job = await heldJob(worker, jobId, database);
  if (job.snapshotKey) return { key: job.snapshotKey, snapshot: await readSnapshot(job.snapshotKey, deps.store) };
  const dataset = await database.dataset.findUniqueOrThrow({ where: { id: job.datasetId } });
  const classes = parseStored(datasetClassesColumn, dataset.classes, dataset.id);
  const [train, val, test] = await Promise.all((["train", "val", "test"] as const).map((split) => loadSplit(dataset.id, split, classes, database)));
  const snapshot: JobSnapshot = {
    jobId,
    dataset: { id: dataset.id, name: dataset.name, classes },
    train: train!,
    val: val!,
    test: test!.map(({ imageId, fileName, contentHash, width, height }) => ({ imageId, fileName, contentHash, width, height })),
  };
  const key = await deps.store.put(new TextEncoder().encode(JSON.stringify(snapshot)));
  // First writer wins; a second request meanwhile reads the snapshot that was kept.
  await database.trainingJob.updateMany({ where: { id: jobId, snapshotKey: null }, data: { snapshotKey: key } });
  const kept = (await getJob(jobId, database)).snapshotKey ?? key;
  return { key: kept, snapshot: kept === key ? snapshot : await readSnapshot(kept, deps.store) };
}

async function readSnapshot(key: string, store: BlobStore): Promise<JobSnapshot> {
  return parseStoredText(jobSnapshotBlob, (await store.get(key)).toString("utf8"), key);
}

/** One original of the job's snapshot, by sha256; an image outside it is refused (a worker reads its job's images only). */
export async function jobImage(worker: RemoteWorker, jobId: string, sha256: string, deps: { store: BlobStore; db?: Db }): Promise<Buffer> {
  const job = await heldJob(worker, jobId, deps.db);
  const hashes = job.snapshotKey ? snapshotHashes.get(job.snapshotKey) : undefined;
  const inSnapshot = hashes ?? (await hashesOf(await jobSnapshot(worker, jobId, deps)));
  if (!inSnapshot.has(sha256)) throw new WorkerRefusedError("that image is not part of this job's dataset snapshot");
  return deps.store.get(sha256);
}

/** The image hashes of recent snapshots: a worker fetches hundreds of images per job, each checked against its snapshot. */
const snapshotHashes = new Map<string, Set<string>>();

function hashesOf({ key, snapshot }: { key: string; snapshot: JobSnapshot }): Set<string> {
  const hashes = new Set([...snapshot.train, ...snapshot.val, ...snapshot.test].map((image) => image.contentHash));
  snapshotHashes.set(key, hashes);
  // A handful of jobs run at once; older snapshots are read again if ever needed.
  if (snapshotHashes.size > 16) snapshotHashes.delete(snapshotHashes.keys().next().value!);
  return hashes;
}

// ── Results ─────────────────────────────────────────────────────────────────────────────────

/**
 * Registers the job's model from uploaded files, after checking them: every upload finished
 * with its sha256 verified, masklab.json a model this version runs with the job's classes, and
 * weights.bin exactly the bytes model.json's manifest names. One model per job.
 */
export async function remoteRegisterModel(worker: RemoteWorker, jobId: string, request: z.infer<typeof registerModelRequestSchema>, deps: { store: BlobStore; db?: Db }) {
  const database = deps.db ?? defaultDb();
  const job = await heldJob(worker, jobId, database);
  const existing = await database.modelVersion.findUnique({ where: { trainingJobId: jobId }, select: { id: true, name: true, version: true } });
  if (existing) return existing; // a retried request after a cut answer: the same version
  const read = (file: keyof typeof request.files) => completedUpload(request.files[file], jobId, "artifact", { store: deps.store, db: database }).then((upload) => upload.bytes);
  const files = { "model.json": await read("model.json"), "weights.bin": await read("weights.bin"), "masklab.json": await read("masklab.json") };
  checkArtifact(files, request.classes, request.inputSize);
  const version = await registerModelVersion(
    { ...request, files, kind: job.kind as JobKind, datasetId: job.datasetId, trainingJobId: jobId, trainingMetrics: request.trainingMetrics },
    deps.store,
    database,
  );
  await forgetUploads(jobId, "artifact", null, database);
  return { id: version.id, name: version.name, version: version.version };
}

function checkArtifact(files: { "model.json": Buffer; "weights.bin": Buffer; "masklab.json": Buffer }, classes: readonly string[], inputSize: number): void {
  let metadata;
  try {
    metadata = parseModelMetadata(files["masklab.json"]);
  } catch (error) {
    throw new ArtifactRejectedError((error as Error).message);
  }
  if (metadata.classes.join("\u0000") !== classes.join("\u0000")) throw new ArtifactRejectedError("masklab.json's classes differ from the classes the model is registered with");
  if (metadata.inputSize !== inputSize) throw new ArtifactRejectedError(`masklab.json says input ${metadata.inputSize} px, the registration ${inputSize} px`);
  let topology: { modelTopology?: unknown; weightsManifest?: Array<{ weights?: Array<{ shape?: number[]; dtype?: string }> }> };
  try {
    topology = JSON.parse(files["model.json"].toString("utf8"));
  } catch {
    throw new ArtifactRejectedError("model.json is not JSON");
  }
  if (!topology.modelTopology || !Array.isArray(topology.weightsManifest)) throw new ArtifactRejectedError("model.json is not a TF.js LayersModel (no modelTopology or weightsManifest)");
  const BYTES: Record<string, number> = { float32: 4, int32: 4, bool: 1, uint8: 1 };
  let expected = 0;
  for (const group of topology.weightsManifest) {
    for (const weight of group.weights ?? []) {
      const size = BYTES[weight.dtype ?? "float32"];
      if (!size || !Array.isArray(weight.shape)) throw new ArtifactRejectedError("model.json's weights manifest names a weight without a shape or with an unknown dtype");
      expected += size * weight.shape.reduce((a, b) => a * b, 1);
    }
  }
  if (expected !== files["weights.bin"].byteLength) throw new ArtifactRejectedError(`weights.bin holds ${files["weights.bin"].byteLength} bytes; model.json's manifest needs ${expected}`);
}

/** Scores the worker's test-split detections for the model its job registered. */
export async function remoteTestEvaluation(worker: RemoteWorker, jobId: string, request: z.infer<typeof testDetectionsRequestSchema>, deps: { store: BlobStore; db?: Db }) {
  const database = deps.db ?? defaultDb();
  await heldJob(worker, jobId, database);
  const version = await database.modelVersion.findUnique({ where: { id: request.modelVersionId }, select: { trainingJobId: true } });
  if (!version || version.trainingJobId !== jobId) throw new WorkerRefusedError("that model version was not registered by this job");
  const evaluation = await scoreTestSplitDetections(request.modelVersionId, new Map(request.images.map((image) => [image.imageId, image.detections])), { store: deps.store, db: database });
  return { id: evaluation.id, imageCount: evaluation.imageCount, mAP50: evaluation.metrics.AP50, mAP50to95: evaluation.metrics.AP };
}
