import { describe, expect, it } from "vitest";
import { decideLabelStatus, type LabelWrite } from "./label-status";
import type { LabelStatus } from "./states";

const annotator = { mayReview: false };
const reviewer = { mayReview: true };
const write = (kind: LabelWrite["kind"], current: LabelStatus, who: { mayReview: boolean }, boxesChanged: boolean, requested?: LabelStatus): LabelWrite => ({ kind, current, requested, boxesChanged, ...who });
const status = (w: LabelWrite) => {
  const decision = decideLabelStatus(w);
  return decision.ok ? decision.status : decision.refusal;
};

describe("the review rules of a label save", () => {
  it("send a reviewed image back to labeled when someone who may not review changes its boxes", () => {
    expect(status(write("edit", "reviewed", annotator, true))).toBe("labeled");
    expect(decideLabelStatus(write("edit", "reviewed", annotator, true))).toMatchObject({ action: "edit", reason: expect.stringMatching(/reviewed → labeled/) });
    // nothing the reviewer approved changed: the approval stands
    expect(status(write("edit", "reviewed", annotator, false))).toBe("reviewed");
    // a reviewer's own edit keeps the approval
    expect(status(write("edit", "reviewed", reviewer, true))).toBe("reviewed");
  });

  it("let only reviewers set reviewed or needs fix, and record that as a review", () => {
    expect(status(write("edit", "labeled", annotator, false, "reviewed"))).toBe("not-a-reviewer");
    expect(status(write("edit", "labeled", annotator, false, "needs_fix"))).toBe("not-a-reviewer");
    expect(decideLabelStatus(write("edit", "labeled", reviewer, false, "reviewed"))).toEqual({ ok: true, status: "reviewed", action: "review" });
    expect(decideLabelStatus(write("edit", "reviewed", reviewer, false, "labeled"))).toEqual({ ok: true, status: "labeled", action: "review" });
  });

  it("apply to a restore: an annotator's restore of a reviewed revision does not overturn needs fix", () => {
    const restored = decideLabelStatus(write("restore", "needs_fix", annotator, false, "reviewed"));
    expect(restored).toMatchObject({ ok: true, status: "needs_fix", action: "restore", reason: expect.stringMatching(/not restored/) });
    expect(status(write("restore", "labeled", annotator, true, "reviewed"))).toBe("labeled");
    expect(status(write("restore", "reviewed", annotator, true, "reviewed"))).toBe("labeled");
    expect(status(write("restore", "labeled", annotator, true, "needs_fix"))).toBe("labeled");
    expect(status(write("restore", "needs_fix", reviewer, true, "reviewed"))).toBe("reviewed");
    expect(status(write("restore", "reviewed", annotator, true, "unlabeled"))).toBe("unlabeled");
  });

  it("label an unlabeled image on its first save and otherwise keep the status", () => {
    expect(status(write("edit", "unlabeled", annotator, true))).toBe("labeled");
    expect(status(write("edit", "needs_fix", annotator, true))).toBe("needs_fix");
    expect(status(write("edit", "needs_fix", annotator, false, "labeled"))).toBe("labeled"); // "Mark fixed"
    expect(decideLabelStatus(write("edit", "labeled", annotator, true))).toEqual({ ok: true, status: "labeled", action: "edit" });
  });

  it("let pre-labels fill only an unlabeled image, which stays unlabeled", () => {
    expect(decideLabelStatus(write("prelabel", "unlabeled", annotator, true))).toEqual({ ok: true, status: "unlabeled", action: "prelabel" });
    for (const current of ["labeled", "reviewed", "needs_fix"] as const) expect(status(write("prelabel", current, reviewer, true))).toBe("not-unlabeled");
  });
});
