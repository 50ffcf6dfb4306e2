import type { ClaimedJob, JobEnding } from "@/lib/contracts/http/worker-protocol";
import type { TrainingMetrics } from "@/lib/contracts/stored/models";
import type { LogFigures } from "@/lib/contracts/stored/training";
import type { EvaluationPostprocess } from "@/lib/contracts/stored/evaluation";
import type { ArtifactFiles } from "@/lib/contracts/artifact";
import type { Detector } from "@/lib/detection/detector";
import type { NodeBackendName } from "@/lib/detection/tf/backend-selection";
import type { ComputeBackend, JobKind, JobLogLevel, Split } from "@/lib/domain/states";
import type { EvaluationInput } from "@/lib/domain/evaluation/types";
import type { BlobStore } from "../platform/storage";
import type { LeaseRenewal } from "./job-queue";
import type { TrainingImage } from "./training-data";

/**
 * How a worker reaches the job queue and the data behind a job. One job-state machine
 * (lib/server/training/job-queue.ts: compare-and-set on the job row) behind two transports: a
 * worker beside the database calls it directly (direct-transport.ts); a worker on another
 * machine calls the same functions through the server's /api/worker routes (remote/).
 * The job runner and the trainers see only this interface.
 */
export interface JobTransport {
  readonly workerId: string;
  /** Re-queues jobs of workers that stopped answering, then claims the oldest queued job of these kinds. */
  claimNext(kinds: readonly JobKind[], leaseMs: number, report: (line: string) => void): Promise<ClaimedJob | null>;
  renewLease(jobId: string, leaseMs: number, progress: number): Promise<LeaseRenewal>;
  log(jobId: string, level: JobLogLevel, message: string, metrics?: LogFigures): Promise<void>;
  /** false: the worker no longer holds the job */
  recordBackend(jobId: string, backend: ComputeBackend): Promise<boolean>;
  /** Stores the bytes and points the job at them; false when the worker no longer holds the job. */
  saveCheckpoint(jobId: string, epoch: number, bytes: Uint8Array): Promise<boolean>;
  loadCheckpoint(jobId: string): Promise<{ epoch: number; bytes: Buffer } | null>;
  /** Records how the run ended; ok false when the worker no longer held the job. */
  finish(jobId: string, ending: JobEnding, error?: string): Promise<{ ok: boolean; released: "queued" | "cancelled" | null }>;
  /** What the job trains on and where its results go. */
  dataFor(job: ClaimedJob): JobData;
}

/** A trained model as a job registers it (the job gives its kind, dataset and job id). */
export interface ModelRegistration {
  name: string;
  files: ArtifactFiles;
  classes: string[];
  inputSize: number;
  parameterCount: number;
  trainingMetrics: TrainingMetrics;
}

export interface RegisteredModel {
  id: string;
  name: string;
  version: number;
}

export interface TestEvaluation {
  id: string;
  imageCount: number;
  mAP50: number;
  mAP50to95: number;
}

/**
 * A job's data: its dataset's images and labels in, its model and figures out. Direct: the
 * database and blob store. Remote: the job's snapshot, images cached by sha256, results sent to
 * the server, which checks and stores them.
 */
export interface JobData {
  /** originals by sha256 (read with get) */
  images: BlobStore;
  dataset(): Promise<{ id: string; name: string; classes: string[] }>;
  split(split: "train" | "val", classes: readonly string[]): Promise<TrainingImage[]>;
  /** every labelled image with its split, for a cross-validation label audit */
  labelledImages(classes: readonly string[]): Promise<Array<{ image: TrainingImage; split: Split }>>;
  registerModel(model: ModelRegistration): Promise<RegisteredModel>;
  /**
   * Scores the registered model on the test split: the worker predicts (on every core, from the
   * model's files, or with its detector), the server scores against labels it keeps.
   */
  evaluateOnTestSplit(version: RegisteredModel, model: { detector: Detector; files: ArtifactFiles }): Promise<TestEvaluation>;
  /** Measures latency on the job's backend; a sentence for the log, or null when this transport cannot store it. */
  benchmarkLatency(version: RegisteredModel, backend: NodeBackendName): Promise<{ message: string; ids: string[] } | null>;
  storeCrossValidation(k: number, snapshot: EvaluationInput, postprocess: EvaluationPostprocess): Promise<{ id: string; mAP50: number; mAP50to95: number }>;
}
