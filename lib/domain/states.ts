import { DETECTOR_FAMILY_IDS, type DetectorFamilyId } from "./detector-families";

/**
 * The closed vocabularies stored as strings in the database (kept as strings so PostgreSQL and
 * SQLite store them alike and a new state needs no table rewrite). Validate against these.
 */
export const SPLITS = ["train", "val", "test", "unassigned"] as const;
export type Split = (typeof SPLITS)[number];

export const LABEL_STATUSES = ["unlabeled", "labeled", "reviewed", "needs_fix"] as const;
export type LabelStatus = (typeof LABEL_STATUSES)[number];

/** Why a label revision was written: an import, a person's edit, a restore, a review decision, a model's pre-labels. */
export const REVISION_ACTIONS = ["import", "edit", "restore", "review", "prelabel"] as const;
export type RevisionAction = (typeof REVISION_ACTIONS)[number];

export const BOX_SOURCES = ["human", "import", "model"] as const;
export type BoxSource = (typeof BOX_SOURCES)[number];

export const WORKER_KINDS = ["training", "monitor"] as const;
export type WorkerKind = (typeof WORKER_KINDS)[number];

export const WORKER_STATUSES = ["starting", "idle", "busy", "stopped"] as const;
export type WorkerStatus = (typeof WORKER_STATUSES)[number];

export const JOB_STATUSES = ["queued", "running", "succeeded", "failed", "cancelled"] as const;
export type JobStatus = (typeof JOB_STATUSES)[number];

/** The statuses a job ends in: nothing changes it after one of these. */
export const FINISHED_JOB_STATUSES = ["succeeded", "failed", "cancelled"] as const satisfies readonly JobStatus[];

export function isFinishedJobStatus(status: string): boolean {
  return (FINISHED_JOB_STATUSES as readonly string[]).includes(status);
}

/** What a training job trains (a detector family); a worker claims only the kinds it has a runner for. */
export const JOB_KINDS = DETECTOR_FAMILY_IDS;
export type JobKind = DetectorFamilyId;

export const JOB_LOG_LEVELS = ["info", "warn", "error", "metric"] as const;
export type JobLogLevel = (typeof JOB_LOG_LEVELS)[number];

/** TF.js backends a job can run on (recorded per job, since speed and results differ). */
export const COMPUTE_BACKENDS = ["cpu", "wasm", "webgl", "webgpu"] as const;
export type ComputeBackend = (typeof COMPUTE_BACKENDS)[number];

/**
 * What a trained detector's detection size is chosen on (lib/server/training/detection-size.ts):
 * its own classes' val mAP50, or, when a mask judge will give its faces their classes, how well it
 * finds faces (val AP50 with every class merged).
 */
export const DETECTION_SIZE_CRITERIA = ["mAP50", "facesAP50"] as const;
export type DetectionSizeCriterion = (typeof DETECTION_SIZE_CRITERIA)[number];

/** "external": a model known only by its uploaded predictions (a COCO results file); it has figures but nothing to serve, so it is never promoted. */
export const MODEL_STAGES = ["candidate", "production", "archived", "external"] as const;
export type ModelStage = (typeof MODEL_STAGES)[number];

/** What a model version's artifact is: TF.js trained here, an ONNX graph brought in, or only a results file. */
export const MODEL_FORMATS = ["tfjs", "onnx", "results"] as const;
export type ModelFormat = (typeof MODEL_FORMATS)[number];

/** Narrows a stored or received string to a vocabulary, for the values TypeScript cannot check. */
export function isOneOf<const T extends readonly string[]>(vocabulary: T, value: unknown): value is T[number] {
  return typeof value === "string" && (vocabulary as readonly string[]).includes(value);
}
