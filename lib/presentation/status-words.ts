import type { JobStatus, LabelStatus, ModelStage, Split, WorkerKind, WorkerStatus } from "@/lib/domain/states";
import type { DriftStatus } from "@/lib/domain/drift/status";
import type { AlertSeverity, AlertStatus } from "@/lib/domain/drift/alerts";

/**
 * The words and tones every page uses for a state: one per stored value, so the dashboard and the
 * alert inbox say the same thing of the same state. A new state is a compile error until it has
 * its word here.
 */
export type Tone = "neutral" | "info" | "ok" | "warn" | "bad";

export interface StateWord {
  label: string;
  tone: Tone;
}

export const JOB_STATUS_WORDS: Record<JobStatus, StateWord> = {
  queued: { label: "Queued", tone: "neutral" },
  running: { label: "Running", tone: "info" },
  succeeded: { label: "Succeeded", tone: "ok" },
  failed: { label: "Failed", tone: "bad" },
  cancelled: { label: "Cancelled", tone: "neutral" },
};

export const LABEL_STATUS_WORDS: Record<LabelStatus, StateWord> = {
  unlabeled: { label: "Unlabeled", tone: "neutral" },
  labeled: { label: "Labeled", tone: "info" },
  reviewed: { label: "Reviewed", tone: "ok" },
  needs_fix: { label: "Needs fix", tone: "warn" },
};

export const MODEL_STAGE_WORDS: Record<ModelStage, StateWord> = {
  candidate: { label: "Candidate", tone: "neutral" },
  production: { label: "Production", tone: "ok" },
  archived: { label: "Archived", tone: "neutral" },
  external: { label: "External", tone: "info" },
};

export const SPLIT_WORDS: Record<Split, StateWord> = {
  train: { label: "Train", tone: "neutral" },
  val: { label: "Validation", tone: "neutral" },
  test: { label: "Test", tone: "neutral" },
  unassigned: { label: "Unassigned", tone: "neutral" },
};

/** Drift has one vocabulary for people: a feature's status and the alert it raised use the same word. */
export const DRIFT_STATUS_WORDS: Record<DriftStatus, StateWord> = {
  stable: { label: "Stable", tone: "ok" },
  warning: { label: "Warning", tone: "warn" },
  drift: { label: "Drift", tone: "bad" },
};

/** An alert's severity is stored as critical/warning; people read the drift status that raised it. */
export const ALERT_SEVERITY_WORDS: Record<AlertSeverity, StateWord> = {
  critical: DRIFT_STATUS_WORDS.drift,
  warning: DRIFT_STATUS_WORDS.warning,
};

export const ALERT_STATUS_WORDS: Record<AlertStatus, StateWord> = {
  open: { label: "Open", tone: "bad" },
  acknowledged: { label: "Acknowledged", tone: "warn" },
  snoozed: { label: "Snoozed", tone: "neutral" },
  resolved: { label: "Resolved", tone: "ok" },
};

/** A worker's own status while it beats; "gone" is one whose heartbeats stopped arriving (the alive window). */
export const WORKER_STATUS_WORDS: Record<WorkerStatus | "gone", StateWord> = {
  starting: { label: "Starting", tone: "neutral" },
  idle: { label: "Idle", tone: "ok" },
  busy: { label: "Training", tone: "info" },
  stopped: { label: "Stopped", tone: "neutral" },
  gone: { label: "Not responding", tone: "bad" },
};

/** What a worker process is, beside its status (whose "Training" means busy with a job). */
export const WORKER_KIND_WORDS: Record<WorkerKind, StateWord> = {
  training: { label: "Training worker", tone: "neutral" },
  monitor: { label: "Monitor", tone: "neutral" },
};
