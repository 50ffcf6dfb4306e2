import type { LabelStatus, RevisionAction } from "./states";

/**
 * The review rules of a label save, as one pure decision used by every write of an image's
 * labels (the editor's save, a restore of an earlier revision, a model's pre-labels):
 * - only someone who may review (permission "labels.review") sets `reviewed` or `needs_fix`;
 * - an approval covers the boxes the reviewer saw: when someone who may not review changes the
 *   boxes of a reviewed image, it goes back to `labeled` (the "to review" queue);
 * - a first save labels an unlabeled image; otherwise the status stays as it is;
 * - pre-labels (a model's boxes) only fill an image still unlabeled, and it stays unlabeled.
 */
export type LabelWriteKind = "edit" | "restore" | "prelabel";

export interface LabelWrite {
  kind: LabelWriteKind;
  /** the image's status before the write */
  current: LabelStatus;
  /** the status the editor asked for, or the restored revision's status */
  requested?: LabelStatus;
  /** whether the author may review (holds "labels.review") */
  mayReview: boolean;
  /** whether the boxes differ from the stored ones (order, ids and sources aside) */
  boxesChanged: boolean;
}

export type LabelStatusDecision =
  | { ok: true; status: LabelStatus; action: RevisionAction; /** why the rules overrode the status, for the revision's note */ reason?: string }
  | { ok: false; refusal: "not-a-reviewer" | "not-unlabeled"; message: string };

/** The statuses that are a reviewer's decision. */
export const REVIEW_STATUSES = ["reviewed", "needs_fix"] as const satisfies readonly LabelStatus[];

export function isReviewStatus(status: LabelStatus | undefined): status is (typeof REVIEW_STATUSES)[number] {
  return (REVIEW_STATUSES as readonly (LabelStatus | undefined)[]).includes(status);
}

/**
 * The refusal that needs no look at the image: an edit asking for a review status from someone
 * who may not review (checked first, so it is the same answer whether the image exists or not).
 */
export function statusRequestRefusal(write: Pick<LabelWrite, "kind" | "requested" | "mayReview">): (LabelStatusDecision & { ok: false }) | null {
  if (write.kind === "edit" && isReviewStatus(write.requested) && !write.mayReview) {
    return { ok: false, refusal: "not-a-reviewer", message: "only reviewers may mark labels reviewed or needing a fix" };
  }
  return null;
}

export function decideLabelStatus(write: LabelWrite): LabelStatusDecision {
  const { kind, current, mayReview, boxesChanged } = write;
  const refused = statusRequestRefusal(write);
  if (refused) return refused;
  if (kind === "prelabel") {
    if (current !== "unlabeled") return { ok: false, refusal: "not-unlabeled", message: `the image is already ${current.replace("_", " ")}: pre-labels only fill unlabeled images` };
    return { ok: true, status: "unlabeled", action: "prelabel" };
  }
  let requested = write.requested;
  let reason: string | undefined;
  if (isReviewStatus(requested) && !mayReview) {
    // A restored revision's review status is not brought back by someone who may not review.
    reason = `its status ${requested.replace("_", " ")} is not restored: only reviewers set it`;
    requested = undefined;
  }
  let status: LabelStatus;
  if (requested !== undefined) status = requested;
  else if (current === "unlabeled") status = "labeled";
  else if (current === "reviewed" && boxesChanged && !mayReview) {
    status = "labeled";
    reason = [reason, "reviewed → labeled: boxes changed after the review, by someone who may not review"].filter(Boolean).join("; ");
  } else status = current;
  const action: RevisionAction =
    kind === "restore" ? "restore" : isReviewStatus(requested) || (mayReview && !boxesChanged && status !== current) ? "review" : "edit";
  return reason === undefined ? { ok: true, status, action } : { ok: true, status, action, reason };
}
