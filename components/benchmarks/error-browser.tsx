"use client";

import Link from "next/link";
import { useMemo, useState } from "react";
import type { EvaluationView } from "@/lib/contracts/http/evaluation";
import type { PixelBox } from "@/lib/domain/box";
import { analyseErrors, FALSE_POSITIVE_REASONS, type FalsePositiveReason } from "@/lib/domain/evaluation/error-analysis";
import type { GroundTruthImage } from "@/lib/domain/evaluation/types";
import { classColor, classLabel } from "@/lib/domain/classes";
import { formatCount } from "@/lib/presentation/format";
import { Select } from "../ui/select";
import { BoxOverlay, type OverlayBox } from "./box-overlay";
import { ConfidenceSlider } from "./evaluation-explorer";

const REASON_LABELS: Record<FalsePositiveReason, string> = {
  duplicate: "duplicate",
  wrong_class: "wrong class",
  localization: "poor localisation",
  class_and_localization: "wrong class and poorly located",
  background: "background",
};

type Kind = "fp" | "tp" | "missed";
const PAGE = 48;

interface Entry {
  key: string;
  imageId: string;
  title: string;
  detail: string;
  score: number | null;
  iou: number;
  /** the box the entry is about */
  focus: PixelBox;
  boxes: OverlayBox[];
}

/**
 * The test images box by box at one confidence: true positives, false positives with why they
 * are wrong (TIDE's error types), and labels nobody found; one click opens the image in the editor.
 */
export function ErrorBrowser({ view, confidence, onConfidence }: { view: EvaluationView; confidence: number; onConfidence: (value: number) => void }) {
  const snapshot = view.snapshot!;
  const [kind, setKind] = useState<Kind>("fp");
  const [reason, setReason] = useState<FalsePositiveReason | "all">("all");
  const [sortBy, setSortBy] = useState<"score" | "iou">("score");
  const [shown, setShown] = useState(PAGE);
  const analysis = useMemo(() => analyseErrors(snapshot, { confidence }), [snapshot, confidence]);
  const images = useMemo(() => new Map(snapshot.images.map((i) => [i.imageId, i])), [snapshot]);

  const entries = useMemo((): Entry[] => {
    const context = (image: GroundTruthImage): OverlayBox[] => image.boxes.map((b) => ({ box: b.box, color: classColor(b.className), dashed: true }));
    let list: Entry[];
    if (kind === "missed") {
      list = analysis.missed.map((m) => {
        const near = m.nearestDetectionIndex === null ? null : snapshot.detections[m.nearestDetectionIndex]!;
        return {
          key: `m${m.imageId}/${m.gtIndex}`,
          imageId: m.imageId,
          title: `missed ${classLabel(m.className)}`,
          detail: near ? `nearest detection: ${classLabel(near.className)} ${near.score.toFixed(2)}, IoU ${m.bestIou.toFixed(2)}` : "no detection overlaps it",
          score: null,
          iou: m.bestIou,
          focus: m.box,
          boxes: [...context(images.get(m.imageId)!), { box: m.box, color: classColor(m.className), emphasis: true, label: `missed ${classLabel(m.className)}` }],
        };
      });
    } else {
      list = analysis.detections
        .filter((d) => d.kind === kind && (kind !== "fp" || reason === "all" || d.reason === reason))
        .map((d) => ({
          key: `d${d.detectionIndex}`,
          imageId: d.imageId,
          title: d.kind === "tp" ? `true positive ${classLabel(d.className)}` : `false positive ${classLabel(d.className)}: ${REASON_LABELS[d.reason!]}`,
          detail:
            d.gtIndex === null
              ? `score ${d.score.toFixed(3)}; overlaps no label`
              : `score ${d.score.toFixed(3)}; IoU ${d.iou.toFixed(2)} with a ${d.gtClassName} label`,
          score: d.score,
          iou: d.iou,
          focus: d.box,
          boxes: [...context(images.get(d.imageId)!), { box: d.box, color: d.kind === "tp" ? "#1e8449" : "#c0392b", emphasis: true, label: `${classLabel(d.className)} ${d.score.toFixed(2)}` }],
        }));
    }
    return list.sort((a, b) => (sortBy === "score" ? (b.score ?? 0) - (a.score ?? 0) : b.iou - a.iou) || a.key.localeCompare(b.key));
  }, [analysis, kind, reason, sortBy, snapshot, images]);

  return (
    <>
      <ConfidenceSlider value={confidence} onChange={onConfidence} operating={view.operatingConfidence} bestF1={null} />
      <p className="muted small">
        At confidence {confidence.toFixed(2)}: {analysis.totals.tp} true positives, {analysis.totals.fp} false positives ({FALSE_POSITIVE_REASONS.map((r) => `${analysis.totals.fpByReason[r]} ${REASON_LABELS[r]}`).join(", ")}), {analysis.totals.missed} missed labels. A detection is a true
        positive when it takes a free label of its class at IoU ≥ 0.5 (highest score first); otherwise the first of: duplicate (its label was taken by a higher score), wrong class (a label of another class at IoU ≥ 0.5), poor localisation (its class at IoU 0.1–0.5), wrong
        class and poorly located, background (IoU &lt; 0.1 with every label). Dashed: the labels.
      </p>
      <div className="toolbar">
        <Select
          label="Show"
          value={kind}
          onValueChange={(value) => {
            setKind(value as Kind);
            setShown(PAGE);
          }}
          options={[
            { value: "fp", label: "False positives" },
            { value: "tp", label: "True positives" },
            { value: "missed", label: "Missed labels" },
          ]}
        />
        {kind === "fp" ? (
          <Select
            label="Reason"
            value={reason}
            onValueChange={(value) => {
              setReason(value as FalsePositiveReason | "all");
              setShown(PAGE);
            }}
            options={[{ value: "all", label: "All reasons" }, ...FALSE_POSITIVE_REASONS.map((r) => ({ value: r, label: REASON_LABELS[r] }))]}
          />
        ) : null}
        <Select
          label="Sort by"
          value={sortBy}
          onValueChange={(value) => setSortBy(value as "score" | "iou")}
          options={[
            { value: "score", label: "Confidence" },
            { value: "iou", label: "IoU" },
          ]}
        />
        <span data-testid="error-count">{formatCount(entries.length, "box")}</span>
      </div>
      {entries.length === 0 ? <p className="muted">Nothing of this kind at this confidence.</p> : null}
      <ul className="error-grid" aria-label="Boxes">
        {entries.slice(0, shown).map((entry) => {
          const image = images.get(entry.imageId)!;
          return (
            <li key={entry.key} className="error-card" data-testid="error-card">
              <BoxOverlay imageId={entry.imageId} width={image.width ?? 1} height={image.height ?? 1} boxes={entry.boxes} focus={entry.focus} alt={image.fileName ?? entry.imageId} />
              <div>
                <b>{entry.title}</b>
              </div>
              <div className="muted">{entry.detail}</div>
              <div className="muted small">{image.fileName}</div>
              <Link href={`/label/${entry.imageId}?split=${encodeURIComponent(view.split)}`}>Open in editor</Link>
            </li>
          );
        })}
      </ul>
      {entries.length > shown ? (
        <button type="button" className="secondary" onClick={() => setShown((n) => n + PAGE)}>
          Show {Math.min(PAGE, entries.length - shown)} more
        </button>
      ) : null}
    </>
  );
}
