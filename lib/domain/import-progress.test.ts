import { describe, expect, it } from "vitest";
import { throttleProgress } from "./import-progress";

describe("an import's progress reports", () => {
  it("are throttled within a phase but keeps each phase's first and last report", () => {
    let now = 0;
    const seen: string[] = [];
    const report = throttleProgress((p) => seen.push(`${p.phase} ${p.done}/${p.total}`), 100, () => now);
    for (let done = 0; done <= 10; done++) {
      report({ phase: "verifying", done, total: 10 });
      now += 30;
    }
    report({ phase: "importing", done: 0, total: 10 });
    expect(seen).toEqual(["verifying 0/10", "verifying 4/10", "verifying 8/10", "verifying 10/10", "importing 0/10"]);
  });
});
