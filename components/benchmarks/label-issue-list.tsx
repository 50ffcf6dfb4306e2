"use client";

import Link from "next/link";
import { useMemo, useState } from "react";
import type { EvaluationView, SendToReviewResult } from "@/lib/contracts/http/evaluation";
import { classColor } from "@/lib/domain/classes";
import { formatCount, formatNumber } from "@/lib/presentation/format";
import { Checkbox } from "../ui/checkbox";
import { findLabelIssues, type LabelIssueKind } from "@/lib/domain/evaluation/label-issues";
import { sendLabelIssuesToReview } from "../api-hooks";
import { BoxOverlay } from "./box-overlay";

const KIND_LABELS: Record<LabelIssueKind, string> = {
  overlooked: "overlooked object",
  swapped_class: "swapped class",
  badly_located: "badly located box",
};

/**
 * Images whose labels the model's out-of-sample predictions contradict, most suspicious first,
 * with the suspected box outlined; ticked ones go to the review queue with the reasons attached.
 */
export function LabelIssueList({ view, canSend }: { view: EvaluationView; canSend: boolean }) {
  const snapshot = view.snapshot!;
  const [minScore, setMinScore] = useState(0.5);
  const [picked, setPicked] = useState<Set<string>>(new Set());
  const [result, setResult] = useState<SendToReviewResult | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [sending, setSending] = useState(false);
  const flagged = useMemo(() => findLabelIssues(snapshot, { minScore }), [snapshot, minScore]);
  const images = useMemo(() => new Map(snapshot.images.map((i) => [i.imageId, i])), [snapshot]);

  const send = async () => {
    setSending(true);
    setError(null);
    try {
      setResult(await sendLabelIssuesToReview(view.id, { imageIds: [...picked], minScore }));
      setPicked(new Set());
    } catch (failure) {
      setError((failure as Error).message);
    } finally {
      setSending(false);
    }
  };

  return (
    <>
      <p className="muted small">
        {view.model ? (
          <>
            Predictions of {view.source} on the {view.split} split, which it never trained on,{" "}
          </>
        ) : (
          <>Out-of-fold predictions ({view.source}: each image predicted by a model trained on the other folds) </>
        )}
that contradict a label: an <b>overlooked object</b> (a confident prediction overlapping no label, IoU &lt; 0.1), a <b>swapped class</b> (a label overlapped at IoU ≥ 0.5 by a
        more confident prediction of another class), a <b>badly located box</b> (a label whose class is predicted confidently only at IoU 0.1–0.5). Only predictions with score ≥ the floor accuse a label. Suspicion is the accusing score (swapped: minus the best score of the labelled class;
        badly located: times 1 − IoU).
      </p>
      <div className="toolbar">
        <label>
          Score floor{" "}
          <input type="number" aria-label="Score floor" min={0.05} max={0.99} step={0.05} value={minScore} onChange={(e) => setMinScore(Math.min(0.99, Math.max(0.05, Number(e.target.value) || 0.5)))} />
        </label>
        <span data-testid="issue-count">{formatCount(flagged.length, "image")} flagged</span>
        <span className="spacer" />
        {canSend ? (
          <>
            <button type="button" className="secondary" onClick={() => setPicked(new Set(flagged.map((f) => f.imageId)))} disabled={flagged.length === 0}>
              Select all
            </button>
            <button type="button" className="secondary" onClick={() => setPicked(new Set())} disabled={picked.size === 0}>
              Select none
            </button>
            <button type="button" onClick={send} disabled={picked.size === 0 || sending}>
              Send {formatNumber(picked.size)} to the review queue
            </button>
          </>
        ) : null}
      </div>
      {result ? (
        <p role="status">
          Sent {formatCount(result.sent.length, "image")} to the review queue with the reasons as review comments.
          {result.skipped.length ? ` Skipped ${result.skipped.length}: ${result.skipped.map((s) => s.reason).join("; ")}.` : ""}
        </p>
      ) : null}
      {error ? <p className="error">{error}</p> : null}
      {flagged.length === 0 ? <p className="muted">No label is contradicted by a prediction scoring ≥ {minScore.toFixed(2)}.</p> : null}
      <ol className="error-grid" aria-label="Suspected label issues">
        {flagged.map((entry) => {
          const image = images.get(entry.imageId)!;
          return (
            <li key={entry.imageId} className="error-card" data-testid="issue-card">
              {canSend ? (
                <Checkbox
                  checked={picked.has(entry.imageId)}
                  onCheckedChange={(checked) =>
                    setPicked((current) => {
                      const next = new Set(current);
                      if (checked) next.add(entry.imageId);
                      else next.delete(entry.imageId);
                      return next;
                    })
                  }
                  label={
                    <span className="small">
                      {image.fileName} · suspicion {entry.suspicion.toFixed(2)}
                    </span>
                  }
                />
              ) : (
                <div className="small">
                  {image.fileName} · suspicion {entry.suspicion.toFixed(2)}
                </div>
              )}
              <BoxOverlay
                imageId={entry.imageId}
                width={image.width ?? 1}
                height={image.height ?? 1}
                alt={image.fileName ?? entry.imageId}
                focus={entry.issues[0]!.box}
                boxes={[
                  ...image.boxes.map((b) => ({ box: b.box, color: classColor(b.className), dashed: true })),
                  ...entry.issues.map((issue) => ({ box: issue.box, color: "#c0392b", emphasis: true, label: KIND_LABELS[issue.kind] })),
                ]}
              />
              <ul className="small">
                {entry.issues.map((issue, i) => (
                  <li key={i}>
                    <b>{KIND_LABELS[issue.kind]}</b> ({issue.suspicion.toFixed(2)}): {issue.explanation}
                  </li>
                ))}
              </ul>
              <Link href={`/label/${entry.imageId}?split=${encodeURIComponent(view.split)}`}>Open in editor</Link>
            </li>
          );
        })}
      </ol>
    </>
  );
}
