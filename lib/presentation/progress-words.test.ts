import { describe, expect, it } from "vitest";
import { describeImportProgress, describePhaseCount } from "./progress-words";

describe("an import's progress in words", () => {
  it("counts the upload in bytes with its share", () => {
    expect(describeImportProgress({ phase: "uploading", done: 12_000_000, total: 19_000_000 })).toEqual({ text: "Uploading: 12 MB of 19 MB · 63 %", ratio: 12 / 19, step: 1, steps: 4 });
    expect(describeImportProgress({ phase: "uploading", done: 1_500, total: null })).toMatchObject({ text: "Uploading: 1.5 kB", ratio: null });
  });

  it("counts the server's phases in their own units", () => {
    expect(describeImportProgress({ phase: "unpacking", done: 120, total: 1708 })).toMatchObject({ text: "Unpacking the zip: 120 of 1,708 entries", step: 2 });
    expect(describeImportProgress({ phase: "verifying", done: 412, total: 853 }).text).toBe("Verifying files: 412 of 853");
    expect(describeImportProgress({ phase: "importing", done: 853, total: 853 })).toMatchObject({ text: "Importing images: 853 of 853", ratio: 1, step: 4 });
    expect(describeImportProgress({ phase: "importing", done: 0, total: 0 }).ratio).toBe(1);
  });
});

describe("a training phase's count in words", () => {
  it("names the epoch under way, and counts the others with their noun", () => {
    expect(describePhaseCount("training", 2.4, 24)).toBe("epoch 3 of 24");
    expect(describePhaseCount("training", 24, 24)).toBe("epoch 24 of 24");
    expect(describePhaseCount("caching", 412, 1706)).toBe("412 of 1,706 inputs");
    expect(describePhaseCount("evaluating", 0, null)).toBe("");
  });
});
