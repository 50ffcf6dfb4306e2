import { describe, expect, it } from "vitest";
import { LABEL_STATUS_WORDS, SPLIT_WORDS } from "./status-words";
import { wordOf } from "./word-of";

describe("wordOf", () => {
  it("gives the vocabulary's word for a known value", () => {
    expect(wordOf(SPLIT_WORDS, "val")).toEqual({ label: "Validation", tone: "neutral" });
    expect(wordOf(LABEL_STATUS_WORDS, "needs_fix")).toEqual({ label: "Needs fix", tone: "warn" });
  });

  it("keeps an unknown value as it is, neutral, and never reads inherited keys", () => {
    expect(wordOf(SPLIT_WORDS, "holdout")).toEqual({ label: "holdout", tone: "neutral" });
    expect(wordOf(SPLIT_WORDS, "toString")).toEqual({ label: "toString", tone: "neutral" });
  });
});
