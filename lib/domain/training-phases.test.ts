import { describe, expect, it } from "vitest";
import { budgetMs, currentPhase, jobDurationMs, overtakenProgressLines, type PhaseMark } from "./training-phases";

const mark = (at: number, phase: PhaseMark["phase"], step: PhaseMark["step"], done: number, total: number | null): PhaseMark => ({ at, phase, step, done, total });

describe("where a training job is", () => {
  it("is the last phase started and not ended, with its count and start", () => {
    const marks = [mark(0, "preparing", "start", 0, null), mark(2_000, "preparing", "end", 0, null), mark(2_000, "caching", "start", 0, 100), mark(12_000, "caching", "progress", 25, 100)];
    expect(currentPhase(marks, 12_000)).toEqual({ phase: "caching", startedAt: 2_000, done: 25, total: 100, remainingMs: 30_000 });
  });

  it("counts the estimate down between marks, never below zero", () => {
    const marks = [mark(0, "caching", "start", 0, 100), mark(10_000, "caching", "progress", 50, 100)];
    expect(currentPhase(marks, 14_000)?.remainingMs).toBe(6_000);
    expect(currentPhase(marks, 60_000)?.remainingMs).toBe(0);
  });

  it("has no estimate before the phase has a pace, nor for a phase without a count", () => {
    expect(currentPhase([mark(0, "caching", "start", 0, 100)], 5_000)?.remainingMs).toBeNull();
    expect(currentPhase([mark(0, "evaluating", "start", 0, null)], 5_000)).toMatchObject({ phase: "evaluating", remainingMs: null });
  });

  it("paces a resumed phase by this run's work only", () => {
    // Resumed after epoch 10 of 20: two epochs in 60 s leaves 8 epochs, 240 s.
    const marks = [mark(0, "training", "start", 10, 20), mark(60_000, "training", "progress", 12, 20)];
    expect(currentPhase(marks, 60_000)?.remainingMs).toBe(240_000);
  });

  it("is no phase once the last one ended, or before any began", () => {
    expect(currentPhase([], 0)).toBeNull();
    expect(currentPhase([mark(0, "saving", "start", 0, null), mark(1, "saving", "end", 0, null)], 5)).toBeNull();
  });
});

describe("a job's duration", () => {
  it("runs from its first start to its end, or to now while it runs", () => {
    const startedAt = new Date("2026-12-04T10:00:00Z");
    expect(jobDurationMs({ startedAt, finishedAt: new Date("2026-12-04T10:05:30Z") }, Date.parse("2026-12-05T00:00:00Z"))).toBe(330_000);
    expect(jobDurationMs({ startedAt: startedAt.toISOString(), finishedAt: null }, Date.parse("2026-12-04T10:02:00Z"))).toBe(120_000);
    expect(jobDurationMs({ startedAt: null, finishedAt: null }, Date.now())).toBeNull();
  });

  it("is read beside a budget given in minutes", () => {
    expect(budgetMs({ minutes: 2 })).toBe(120_000);
    expect(budgetMs({})).toBeNull();
    expect(budgetMs({ minutes: "2" })).toBeNull();
  });
});

describe("progress lines a later line has overtaken", () => {
  const line = (phase: PhaseMark["phase"], step: PhaseMark["step"]) => ({ phase, step });

  it("folds every progress line of an ended phase and all but the latest of a running one", () => {
    const steps = [line("caching", "start"), line("caching", "progress"), line("caching", "progress"), line("caching", "end"), null, line("training", "start"), line("training", "progress"), null, line("training", "progress")];
    expect([...overtakenProgressLines(steps)].sort()).toEqual([1, 2, 6]);
  });

  it("keeps the last progress line of a run that never ended, when the phase starts again (a resumed job)", () => {
    const steps = [line("training", "start"), line("training", "progress"), line("training", "progress"), line("training", "start"), line("training", "progress"), line("training", "end")];
    expect([...overtakenProgressLines(steps)].sort()).toEqual([1, 4]);
  });

  it("does not let one phase's lines overtake another's, and keeps start and end lines", () => {
    const steps = [line("judging", "start"), line("judging", "progress"), line("sizing", "progress"), line("sizing", "end"), line("judging", "end")];
    expect([...overtakenProgressLines(steps)].sort()).toEqual([1, 2]);
    expect(overtakenProgressLines([line("caching", "start"), line("caching", "end"), null]).size).toBe(0);
  });
});
