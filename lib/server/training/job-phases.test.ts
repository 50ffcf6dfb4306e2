import { describe, expect, it } from "vitest";
import { phaseFiguresSchema, type LogFigures } from "@/lib/contracts/stored/training";
import { currentPhase, type PhaseMark } from "@/lib/domain/training-phases";
import { FIRST_PROGRESS_LINE_MS, PROGRESS_LINE_MS, startPhase } from "./job-phases";

/** The lines a phase writes, kept as the job's log keeps them, with a clock the test moves. */
function recorder() {
  let now = 1_000_000;
  const lines: Array<{ at: number; level: string; message: string; metrics?: LogFigures }> = [];
  return {
    lines,
    clock: () => now,
    tick: (ms: number) => (now += ms),
    log: async (level: string, message: string, metrics?: LogFigures) => void lines.push({ at: now, level, message, metrics }),
    marks: (): PhaseMark[] => lines.map((l) => ({ at: l.at, ...phaseFiguresSchema.parse(l.metrics) })),
  };
}

describe("a training phase's log lines", () => {
  it("logs its start, progress soon after and then at most every PROGRESS_LINE_MS, and its end with how long it took", async () => {
    const r = recorder();
    const phase = await startPhase(r.log, "caching", { total: 100, clock: r.clock });
    for (let done = 1; done <= 100; done++) {
      r.tick(500);
      await phase.advance(done);
    }
    await phase.end();
    expect(r.lines.map((l) => l.message)).toEqual([
      "Caching backbone features: started, 100 inputs",
      "Caching backbone features: 6 of 100 inputs",
      "Caching backbone features: 36 of 100 inputs",
      "Caching backbone features: 66 of 100 inputs",
      "Caching backbone features: 96 of 100 inputs",
      "Caching backbone features: done in 50 s",
    ]);
    expect(r.lines[1]!.at - r.lines[0]!.at).toBe(FIRST_PROGRESS_LINE_MS);
    expect(r.lines.slice(2, -1).every((l, i) => l.at - r.lines[i + 1]!.at >= PROGRESS_LINE_MS)).toBe(true);
    expect(r.lines.at(-1)!.metrics).toEqual({ phase: "caching", step: "end", done: 100, total: 100, seconds: 50 });
  });

  it("gives the job page its phase and an ETA at the pace so far", async () => {
    const r = recorder();
    const phase = await startPhase(r.log, "training", { total: 10, done: 4, prefix: "fold 1/3: ", clock: r.clock });
    r.tick(10_000);
    await phase.advance(5);
    expect(r.lines.map((l) => l.message)).toEqual(["fold 1/3: Training: started, 10 epochs", "fold 1/3: Training: epoch 6 of 10"]);
    // One epoch in 10 s since this run began at epoch 4; five more take 50 s.
    expect(currentPhase(r.marks(), r.clock())).toMatchObject({ phase: "training", done: 5, total: 10, remainingMs: 50_000 });
    await phase.end({ message: "kept epoch 5", figures: { modelVersionId: "m1" }, level: "warn" });
    expect(r.lines.at(-1)).toMatchObject({ level: "warn", message: "kept epoch 5", metrics: { modelVersionId: "m1", phase: "training", step: "end" } });
    expect(currentPhase(r.marks(), r.clock())).toBeNull();
  });

  it("counts against the new size once a time budget re-plans it, so the log and the ETA say the epochs that will run", async () => {
    const r = recorder();
    const phase = await startPhase(r.log, "training", { total: 12, clock: r.clock });
    r.tick(10_000);
    await phase.advance(1);
    phase.retotal(8);
    r.tick(16_000);
    await phase.advance(2);
    expect(r.lines.map((l) => l.message)).toEqual(["Training: started, 12 epochs", "Training: epoch 2 of 12", "Training: epoch 3 of 8"]);
    expect(currentPhase(r.marks(), r.clock())).toMatchObject({ phase: "training", done: 2, total: 8 });
  });
});
