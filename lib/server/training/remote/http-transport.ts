import path from "node:path";
import {
  checkpointInfoSchema,
  claimAnswerSchema,
  finishAnswerSchema,
  jobSnapshotSchema,
  leaseAnswerSchema,
  okAnswerSchema,
  registeredModelSchema,
  testEvaluationAnswerSchema,
  UPLOAD_CHUNK_BYTES,
  uploadStateSchema,
  type ClaimedJob,
  type JobSnapshot,
  type UploadPurpose,
} from "@/lib/contracts/http/worker-protocol";
import { ARTIFACT_FILES } from "@/lib/contracts/artifact";
import { BlobCorruptError, BlobNotFoundError, LocalBlobStore, sha256Hex, type BlobStore } from "../../platform/storage";
import { detectImagesOnThreads } from "../detect-threads";
import { detectImages, EVALUATION_POSTPROCESS } from "../evaluate-split";
import { trainingThreads } from "../feature-threads";
import type { JobData, JobTransport } from "../job-transport";
import type { TrainingImage } from "../training-data";
import { RefusedForGoodError } from "../job-runner";
import { WorkerApiError, type WorkerClient } from "./worker-client";

/**
 * The job transport of a worker on another machine: the same job-state machine, reached through
 * the server's /api/worker routes. Images come into a local cache by sha256 (the next job
 * downloads only what changed); checkpoints and model files go up in resumable chunks.
 */
export function httpTransport(client: WorkerClient, cacheDir: string): JobTransport {
  const workerId = () => {
    if (!client.workerId) throw new Error("the worker has not registered with the server yet");
    return client.workerId;
  };
  return {
    get workerId() {
      return workerId();
    },
    async claimNext(kinds, leaseMs) {
      const answer = await client.json("POST", "api/worker/claim", claimAnswerSchema, { kinds, leaseMs });
      return answer?.job ?? null;
    },
    async renewLease(jobId, leaseMs, progress) {
      return (await client.json("POST", jobPath(jobId, "lease"), leaseAnswerSchema, { leaseMs, progress }))!;
    },
    async log(jobId, level, message, metrics) {
      await client.send("POST", jobPath(jobId, "logs"), { level, message: message.slice(0, 4_000), metrics });
    },
    async recordBackend(jobId, backend) {
      return notHeldIsFalse(async () => (await client.json("POST", jobPath(jobId, "backend"), okAnswerSchema, { backend }))!.ok);
    },
    async saveCheckpoint(jobId, epoch, bytes) {
      return notHeldIsFalse(async () => {
        const uploadId = await uploadFile(client, jobPath(jobId, "uploads"), "checkpoint", bytes);
        return (await client.json("POST", jobPath(jobId, "checkpoint"), okAnswerSchema, { uploadId, epoch }))!.ok;
      });
    },
    async loadCheckpoint(jobId) {
      const answer = await client.bytes(jobPath(jobId, "checkpoint"));
      if (!answer) return null;
      const epoch = checkpointInfoSchema.shape.epoch.parse(Number(answer.headers.get("x-checkpoint-epoch")));
      return epoch === null ? null : { epoch, bytes: answer.bytes };
    },
    async finish(jobId, ending, error) {
      const answer = await notHeldIsFalse(async () => (await client.json("POST", jobPath(jobId, "finish"), finishAnswerSchema, { ending, error: error?.slice(0, 2_000) }))!);
      return answer === false ? { ok: false, released: null } : answer;
    },
    dataFor: (job) => remoteJobData(client, job, cacheDir),
  };
}

/** The path of one of a job's /api/worker routes. */
function jobPath(jobId: string, rest: string): string {
  return `api/worker/jobs/${encodeURIComponent(jobId)}/${rest}`;
}

/** The server answers 409 when the job is no longer this worker's: the runner hears "lost", as from the database. */
async function notHeldIsFalse<T>(run: () => Promise<T>): Promise<T | false> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof WorkerApiError && error.status === 409) return false;
    throw error;
  }
}

/** Sends a file in chunks from where the server says it stands, resuming after a cut connection. */
export async function uploadFile(client: WorkerClient, uploadsPath: string, purpose: UploadPurpose, bytes: Uint8Array): Promise<string> {
  let state = (await client.json("POST", uploadsPath, uploadStateSchema, { purpose, size: bytes.byteLength, sha256: sha256Hex(bytes) }))!;
  for (let failures = 0; !state.complete; ) {
    const chunk = bytes.subarray(state.received, Math.min(bytes.byteLength, state.received + UPLOAD_CHUNK_BYTES));
    try {
      const response = await client.request("PUT", `${uploadsPath}/${state.uploadId}?offset=${state.received}`, { body: chunk, contentType: "application/octet-stream" }, { retry: false });
      state = uploadStateSchema.parse(await response.json());
      failures = 0;
    } catch (error) {
      // A cut connection, a server restart or another offset (409): the chunk may or may not have
      // landed, so ask where the upload stands and go on from there. A refusal of the file itself
      // (too large, wrong bytes, not this job's) or of the token is final.
      if (error instanceof RefusedForGoodError || (error instanceof WorkerApiError && [404, 413, 422].includes(error.status))) throw error;
      if (++failures > 20) throw error;
      state = (await client.json("GET", `${uploadsPath}/${state.uploadId}`, uploadStateSchema))!;
    }
  }
  return state.uploadId;
}

/** A job's data on a remote worker: its snapshot, images through a local cache, results sent to the server. */
function remoteJobData(client: WorkerClient, job: ClaimedJob, cacheDir: string): JobData {
  let snapshot: Promise<JobSnapshot> | null = null;
  const loadSnapshot = () => (snapshot ??= client.json("GET", jobPath(job.id, "snapshot"), jobSnapshotSchema).then((answer) => answer!));
  const images = new ImageCache(client, (hash) => jobPath(job.id, `images/${hash}`), path.join(cacheDir, "images"));
  return {
    images,
    async dataset() {
      return (await loadSnapshot()).dataset;
    },
    async split(split) {
      return (await loadSnapshot())[split];
    },
    async labelledImages() {
      throw new Error("a cross-validation label audit reads the test split's labels, which stay on the server: run it on a worker beside the database");
    },
    async registerModel(model) {
      const uploads: Record<string, string> = {};
      for (const file of ARTIFACT_FILES) uploads[file] = await uploadFile(client, jobPath(job.id, "uploads"), "artifact", model.files[file]);
      const { files: _bytes, ...rest } = model;
      return (await client.json("POST", jobPath(job.id, "model"), registeredModelSchema, { ...rest, files: uploads }))!;
    },
    async evaluateOnTestSplit(version, model) {
      const test: TrainingImage[] = (await loadSnapshot()).test.map((image) => ({ ...image, annotationVersion: 0, boxes: [] }));
      if (test.length === 0) throw new Error("the dataset has no test images: nothing honest to evaluate on");
      const threads = trainingThreads();
      const outputs = threads > 1 ? await detectImagesOnThreads(model.files, threads, images, test, EVALUATION_POSTPROCESS) : await detectImages(model.detector, images, test, EVALUATION_POSTPROCESS);
      const body = { modelVersionId: version.id, images: outputs.map(({ image, detections }) => ({ imageId: image.imageId, detections: detections.map(({ box, score, classIndex }) => ({ box, score, classIndex })) })) };
      return (await client.json("POST", jobPath(job.id, "test-evaluation"), testEvaluationAnswerSchema, body))!;
    },
    benchmarkLatency: async () => null,
    async storeCrossValidation() {
      throw new Error("cross-validation runs on a worker beside the database");
    },
  };
}

/**
 * Originals by sha256 in a folder of the worker's own (a disk blob store: atomic writes, every
 * read checked against its hash): downloaded once, kept for the next job. Read-only towards the
 * server.
 */
class ImageCache implements BlobStore {
  private readonly local: LocalBlobStore;

  constructor(
    private readonly client: WorkerClient,
    private readonly urlOf: (hash: string) => string,
    root: string,
  ) {
    this.local = new LocalBlobStore(root);
  }

  async get(key: string): Promise<Buffer> {
    try {
      return await this.local.get(key);
    } catch (error) {
      if (error instanceof BlobCorruptError) await this.local.delete(key); // damaged on this disk: fetch it again
      else if (!(error instanceof BlobNotFoundError)) throw error;
    }
    const answer = await this.client.bytes(this.urlOf(key)).catch((error: Error) => {
      if (error instanceof WorkerApiError && error.status === 404) throw new BlobNotFoundError(key);
      throw error;
    });
    if (!answer) throw new BlobNotFoundError(key);
    if (sha256Hex(answer.bytes) !== key) throw new Error(`image ${key.slice(0, 12)}… arrived damaged (its sha256 differs); try again`);
    await this.local.put(answer.bytes);
    return answer.bytes;
  }

  put(bytes: Uint8Array): Promise<string> {
    return this.local.put(bytes);
  }

  has(key: string): Promise<boolean> {
    return this.local.has(key);
  }

  async delete(): Promise<void> {
    // Cached originals stay: the next job of the same dataset needs them.
  }
}
