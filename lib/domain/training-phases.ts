/**
 * The phases of a training job, in the order it runs them, and where a job is from the marks its
 * log keeps: each phase logs a start, progress (done of total, in the phase's unit) and an end.
 * Pure: the current time is a parameter, so the job page and its tests compute the same.
 */
export const TRAINING_PHASES = ["preparing", "caching", "training", "sizing", "judging", "predicting", "saving", "evaluating", "benchmarking"] as const;
export type TrainingPhase = (typeof TRAINING_PHASES)[number];

export const PHASE_STEPS = ["start", "progress", "end"] as const;
export type PhaseStep = (typeof PHASE_STEPS)[number];

/** One phase line of a job's log, read back: when, which phase, which step, and how far. */
export interface PhaseMark {
  at: number;
  phase: TrainingPhase;
  step: PhaseStep;
  /** in the phase's unit (images, epochs — fractional within an epoch) */
  done: number;
  /** null: the phase has no count (evaluating, saving) */
  total: number | null;
}

export interface PhaseNow {
  phase: TrainingPhase;
  startedAt: number;
  done: number;
  total: number | null;
  /** an estimate from the phase's pace so far; null until there is a pace to go by */
  remainingMs: number | null;
}

/**
 * The phase a job is in: the last one started and not yet ended, with its latest count and the
 * time it should still take at the pace it has kept since it started. Null when none is running.
 */
export function currentPhase(marks: readonly PhaseMark[], now: number): PhaseNow | null {
  const last = marks.at(-1);
  if (!last || last.step === "end") return null;
  let first = last;
  for (let i = marks.length - 1; i >= 0; i--) {
    const mark = marks[i]!;
    if (mark.phase !== last.phase || mark.step === "end") break;
    first = mark;
    if (mark.step === "start") break;
  }
  return { phase: last.phase, startedAt: first.at, done: last.done, total: last.total, remainingMs: remainingMs(first, last, now) };
}

/**
 * Time left at the pace from the phase's start to its latest mark, less the time since that mark.
 * The pace counts only this run's work (a resumed job's training starts at its checkpoint's epoch).
 */
function remainingMs(first: PhaseMark, latest: PhaseMark, now: number): number | null {
  const progressed = latest.done - first.done;
  if (latest.total === null || progressed <= 0 || latest.at <= first.at) return null;
  const msPerUnit = (latest.at - first.at) / progressed;
  return Math.max(0, (latest.total - latest.done) * msPerUnit - (now - latest.at));
}

/**
 * How long a job took, or has taken so far: from its first start to its end (or to `now` while it
 * runs); null before it started. The one definition the job page, the jobs list and the Models
 * table use, so they agree.
 */
export function jobDurationMs(job: { startedAt: Date | string | null; finishedAt: Date | string | null }, now: number): number | null {
  if (job.startedAt === null) return null;
  const start = new Date(job.startedAt).getTime();
  const end = job.finishedAt === null ? now : new Date(job.finishedAt).getTime();
  return Math.max(0, end - start);
}

/** A job's time budget (its config's `minutes`) in milliseconds; null when it has none. */
export function budgetMs(config: { minutes?: unknown }): number | null {
  return typeof config.minutes === "number" && config.minutes > 0 ? config.minutes * 60_000 : null;
}

/**
 * Which lines of a job's log are progress lines a later line of the same phase run has overtaken
 * (its next progress line, or its end): the log shows the latest count of a phase, not one line
 * every 15 s of it. `steps` is each line's phase and step, null for a line that is not a phase
 * mark. A progress line left as the last of a run that never ended (a worker killed mid-phase)
 * is kept: it says how far that run got.
 */
export function overtakenProgressLines(steps: ReadonlyArray<Pick<PhaseMark, "phase" | "step"> | null>): Set<number> {
  const overtaken = new Set<number>();
  const laterInRun = new Set<TrainingPhase>();
  for (let i = steps.length - 1; i >= 0; i--) {
    const mark = steps[i];
    if (!mark) continue;
    if (mark.step === "start") laterInRun.delete(mark.phase);
    else {
      if (mark.step === "progress" && laterInRun.has(mark.phase)) overtaken.add(i);
      laterInRun.add(mark.phase);
    }
  }
  return overtaken;
}
