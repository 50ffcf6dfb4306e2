import type { LogFigures, PhaseFigures } from "@/lib/contracts/stored/training";
import type { JobLogLevel } from "@/lib/domain/states";
import type { TrainingPhase } from "@/lib/domain/training-phases";
import { formatCount, formatDuration } from "@/lib/presentation/format";
import { describePhaseCount, TRAINING_PHASE_WORDS } from "@/lib/presentation/progress-words";

/** A progress line at most this often per phase: enough for a live ETA, few enough to read the log… */
export const PROGRESS_LINE_MS = 15_000;
/** …and the first one this soon after the phase starts, so its pace (and the ETA) shows early. */
export const FIRST_PROGRESS_LINE_MS = 3_000;

export interface PhaseOptions {
  /** the phase's size in its unit (inputs, epochs, images); omitted: it has no count */
  total?: number;
  /** already done when it starts (a resumed job's epochs) */
  done?: number;
  /** one model of several (a cross-validation fold): "fold 2/5: " */
  prefix?: string;
  clock?: () => number;
}

export interface PhaseTracker {
  /** how far the phase is (in its unit); logged at most every PROGRESS_LINE_MS */
  advance(done: number): Promise<void>;
  /** the phase's size changed (a time budget re-planned its epochs): later lines count against `total` */
  retotal(total: number): void;
  /** the end line: `message` when given (with its figures and level), else how long the phase took */
  end(options?: { message?: string; figures?: LogFigures; level?: JobLogLevel }): Promise<void>;
}

type Log = (level: JobLogLevel, message: string, metrics?: LogFigures) => Promise<void>;

/** Logs a phase's start now, then its progress and end as the tracker is told: the phase lines the job page follows. */
export async function startPhase(log: Log, phase: TrainingPhase, options: PhaseOptions = {}): Promise<PhaseTracker> {
  const clock = options.clock ?? Date.now;
  const { label, noun, plural } = TRAINING_PHASE_WORDS[phase];
  const prefix = options.prefix ?? "";
  let total = options.total ?? null;
  const startedAt = clock();
  let done = options.done ?? 0;
  let nextLineAt = startedAt + FIRST_PROGRESS_LINE_MS;
  const figures = (step: PhaseFigures["step"], extra: Partial<PhaseFigures> = {}): PhaseFigures => ({ phase, step, done, total, ...extra });
  const size = total !== null && noun !== null ? `, ${formatCount(total, noun, plural)}` : "";
  await log("info", `${prefix}${label}: started${size}`, figures("start"));
  return {
    async advance(next) {
      done = next;
      const now = clock();
      if (now < nextLineAt) return;
      nextLineAt = now + PROGRESS_LINE_MS;
      await log("info", `${prefix}${label}: ${describePhaseCount(phase, done, total)}`, figures("progress"));
    },
    retotal(next) {
      total = next;
    },
    async end({ message, figures: extra = {}, level = "info" } = {}) {
      const seconds = Math.round((clock() - startedAt) / 1000);
      await log(level, message ?? `${prefix}${label}: done in ${formatDuration(seconds * 1000)}`, { ...extra, ...figures("end", { seconds }) });
    },
  };
}
