import { z } from "zod";
import { COMPUTE_BACKENDS, FINISHED_JOB_STATUSES, JOB_KINDS, JOB_LOG_LEVELS } from "@/lib/domain/states";
import { trainingMetricsSchema } from "../stored/models";
import { logFiguresSchema, workerCapabilitiesSchema } from "../stored/training";

/**
 * The remote training worker's HTTP API (/api/worker/*): what a worker on another machine sends
 * and receives, parsed on both sides. Every request carries the worker token
 * (`Authorization: Bearer mk_…`); every request after registration also names the worker
 * (`X-Masklab-Worker`), which must be a worker registered with that same token.
 */
export const WORKER_ID_HEADER = "x-masklab-worker";

/** Chunks of an upload are at most this large: one request's body, retried whole after a cut. */
export const UPLOAD_CHUNK_BYTES = 4 * 1024 * 1024;

export const registerWorkerRequestSchema = z.object({
  hostname: z.string().min(1).max(200),
  pid: z.number().int().min(0),
  capabilities: workerCapabilitiesSchema,
});
export const registerWorkerAnswerSchema = z.object({ workerId: z.string(), leaseMs: z.number().int().positive(), heartbeatMs: z.number().int().positive() });

export const heartbeatRequestSchema = z.object({ status: z.enum(["idle", "busy", "stopped"]) });

export const claimRequestSchema = z.object({ kinds: z.array(z.enum(JOB_KINDS)).max(JOB_KINDS.length), leaseMs: z.number().int().min(5_000).max(600_000) });

/** A claimed job as its runner sees it (dates as ISO strings on the wire). */
export const claimedJobSchema = z.object({
  id: z.string(),
  datasetId: z.string(),
  kind: z.enum(JOB_KINDS),
  config: z.unknown(),
  status: z.string(),
  progress: z.number(),
  attempts: z.number().int(),
  cancelRequested: z.boolean(),
  checkpointEpoch: z.number().int().nullable(),
});
export type ClaimedJob = z.infer<typeof claimedJobSchema>;
export const claimAnswerSchema = z.object({ job: claimedJobSchema.nullable() });

export const leaseRequestSchema = z.object({ leaseMs: z.number().int().min(5_000).max(600_000), progress: z.number().optional() });
export const leaseAnswerSchema = z.object({ ok: z.boolean(), cancelRequested: z.boolean() });

export const jobLogRequestSchema = z.object({ level: z.enum(JOB_LOG_LEVELS), message: z.string().max(4_000), metrics: logFiguresSchema.optional() });

export const backendRequestSchema = z.object({ backend: z.enum(COMPUTE_BACKENDS) });

/** How a run ends: a finished status, or released back to the queue by a worker shutting down. */
export const JOB_ENDINGS = [...FINISHED_JOB_STATUSES, "released"] as const;
export type JobEnding = (typeof JOB_ENDINGS)[number];
export const finishRequestSchema = z.object({ ending: z.enum(JOB_ENDINGS), error: z.string().max(2_000).optional() });
/** ok false: the worker no longer held the job; released says where a released job went */
export const finishAnswerSchema = z.object({ ok: z.boolean(), released: z.enum(["queued", "cancelled"]).nullable() });

export const okAnswerSchema = z.object({ ok: z.boolean() });

// ── Uploads (checkpoints and model files), resumable ─────────────────────────────────────────

export const UPLOAD_PURPOSES = ["checkpoint", "artifact"] as const;
export type UploadPurpose = (typeof UPLOAD_PURPOSES)[number];
const sha256Schema = z.string().regex(/^[0-9a-f]{64}$/, "a lowercase hex sha256");

export const startUploadRequestSchema = z.object({ purpose: z.enum(UPLOAD_PURPOSES), size: z.number().int().min(1), sha256: sha256Schema });
/** received: bytes the server holds; the next chunk starts there. complete: every byte arrived and the sha256 matched. */
export const uploadStateSchema = z.object({ uploadId: z.string(), size: z.number().int(), received: z.number().int(), complete: z.boolean() });
export type UploadState = z.infer<typeof uploadStateSchema>;

export const checkpointRequestSchema = z.object({ uploadId: z.string(), epoch: z.number().int().min(0) });
export const checkpointInfoSchema = z.object({ epoch: z.number().int().nullable(), size: z.number().int().nullable() });

// ── The dataset snapshot a job trains on ─────────────────────────────────────────────────────

const pixelBoxSchema = z.object({ xmin: z.number(), ymin: z.number(), xmax: z.number(), ymax: z.number() });
export const snapshotImageSchema = z.object({
  imageId: z.string(),
  fileName: z.string(),
  contentHash: sha256Schema,
  width: z.number().int(),
  height: z.number().int(),
  annotationVersion: z.number().int(),
  boxes: z.array(z.object({ box: pixelBoxSchema, classIndex: z.number().int().min(0), difficult: z.boolean() })),
});
/**
 * Train and val with their labels as the job recorded them; the test split's images only (the
 * worker predicts them, the server scores the predictions against labels it never sends).
 */
export const jobSnapshotSchema = z.object({
  jobId: z.string(),
  dataset: z.object({ id: z.string(), name: z.string(), classes: z.array(z.string()).min(1) }),
  train: z.array(snapshotImageSchema),
  val: z.array(snapshotImageSchema),
  test: z.array(snapshotImageSchema.omit({ boxes: true, annotationVersion: true })),
});
export type JobSnapshot = z.infer<typeof jobSnapshotSchema>;

// ── Results ──────────────────────────────────────────────────────────────────────────────────

/** The model files a worker uploaded (upload ids) and what the version records about itself. */
export const registerModelRequestSchema = z.object({
  name: z.string().min(1).max(200),
  files: z.object({ "model.json": z.string(), "weights.bin": z.string(), "masklab.json": z.string() }),
  classes: z.array(z.string()).min(1),
  inputSize: z.number().int().positive(),
  parameterCount: z.number().int().min(0),
  trainingMetrics: trainingMetricsSchema,
});
export const registeredModelSchema = z.object({ id: z.string(), name: z.string(), version: z.number().int() });

export const testDetectionsRequestSchema = z.object({
  modelVersionId: z.string(),
  images: z.array(z.object({ imageId: z.string(), detections: z.array(z.object({ box: pixelBoxSchema, score: z.number().min(0).max(1), classIndex: z.number().int().min(0) })).max(1_000) })),
});
export const testEvaluationAnswerSchema = z.object({ id: z.string(), imageCount: z.number().int(), mAP50: z.number(), mAP50to95: z.number() });
