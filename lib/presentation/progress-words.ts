import { IMPORT_PHASES, type ImportPhase, type ImportProgress } from "@/lib/domain/import-progress";
import type { TrainingPhase } from "@/lib/domain/training-phases";
import { formatBytes, formatCount, formatNumber, formatPercent } from "./format";

/** What each import phase is called, and the noun it counts (none: it counts bytes). */
export const IMPORT_PHASE_WORDS: Record<ImportPhase, { label: string; noun: string | null }> = {
  uploading: { label: "Uploading", noun: null },
  unpacking: { label: "Unpacking the zip", noun: "entry" },
  verifying: { label: "Verifying files", noun: null },
  importing: { label: "Importing images", noun: null },
};

export interface ProgressView {
  /** "Uploading: 12 MB of 19 MB · 63 %", "Importing images: 412 of 853" */
  text: string;
  /** 0..1 within the phase; null when its size is not known */
  ratio: number | null;
  /** 1-based position of the phase among all of them */
  step: number;
  steps: number;
}

/** How far an import is, in words and as a ratio of its current phase. */
export function describeImportProgress(progress: ImportProgress): ProgressView {
  const { label, noun } = IMPORT_PHASE_WORDS[progress.phase];
  const { done, total } = progress;
  const ratio = total === null || total === 0 ? (total === 0 ? 1 : null) : Math.min(1, done / total);
  const step = IMPORT_PHASES.indexOf(progress.phase) + 1;
  const base = { ratio, step, steps: IMPORT_PHASES.length };
  if (progress.phase === "uploading") {
    const amount = total === null ? formatBytes(done) : `${formatBytes(done)} of ${formatBytes(total)} · ${formatPercent(ratio ?? 0, 0)}`;
    return { ...base, text: `${label}: ${amount}` };
  }
  const counted = total === null ? formatNumber(done) : `${formatNumber(done)} of ${noun ? formatCount(total, noun) : formatNumber(total)}`;
  return { ...base, text: `${label}: ${counted}` };
}

/** What each training phase is called, and the noun it counts (null: it has no count; plural where pluralize would guess wrong). */
export const TRAINING_PHASE_WORDS: Record<TrainingPhase, { label: string; noun: string | null; plural?: string }> = {
  preparing: { label: "Preparing data", noun: null },
  caching: { label: "Caching backbone features", noun: "input" },
  training: { label: "Training", noun: "epoch", plural: "epochs" },
  sizing: { label: "Choosing the detection size", noun: "size" },
  judging: { label: "Training the mask judge", noun: "image" },
  predicting: { label: "Predicting held-out images", noun: "image" },
  saving: { label: "Saving the model", noun: null },
  evaluating: { label: "Evaluating on the test split", noun: null },
  benchmarking: { label: "Measuring latency", noun: null },
};

/** How far a phase is: "412 of 1,706 inputs", "epoch 3 of 24" (the epoch under way); "" without a count. */
export function describePhaseCount(phase: TrainingPhase, done: number, total: number | null): string {
  const { noun, plural } = TRAINING_PHASE_WORDS[phase];
  if (noun === null || total === null) return "";
  if (phase === "training") return `epoch ${formatNumber(Math.min(total, Math.floor(done) + 1))} of ${formatNumber(total)}`;
  return `${formatNumber(done)} of ${formatCount(total, noun, plural)}`;
}
