"use client";

import Link from "next/link";
import { useState } from "react";
import { useQueryClient } from "@tanstack/react-query";
import type { RootCauseImageView, TriageStep } from "@/lib/contracts/http/monitoring";
import { ALERT_EVENT_KINDS, type AlertEventKind } from "@/lib/domain/drift/alerts";
import { EMBEDDING_FEATURE } from "@/lib/domain/drift/features";
import { DRIFT_METRIC_DEFINITIONS, DRIFT_METRICS, EMBEDDING_METRIC, HEADLINE_DRIFT_METRIC } from "@/lib/domain/drift/metrics/catalogue";
import { isOneOf } from "@/lib/domain/states";
import { formatCount, formatNumber, formatPercent } from "@/lib/presentation/format";
import { listPage } from "@/lib/presentation/paging";
import { ALERT_SEVERITY_WORDS } from "@/lib/presentation/status-words";
import { Checkbox } from "@/components/ui/checkbox";
import { Select } from "@/components/ui/select";
import { Time } from "@/components/ui/time";
import { sendAlertImagesToLabeling, triageAlert, useAlert } from "../api-hooks";
import { HistogramOverlay } from "./drift-charts";
import { AlertStatePill, DriftStatusPill, featureLabel, metricLabel, SeverityPill } from "./drift-words";
import { DetectionClasses, PredictionThumbnail } from "./prediction-thumbnail";

const fmt = (v: number | null | undefined) => (v === null || v === undefined ? "–" : Math.abs(v) < 0.01 && v !== 0 ? v.toExponential(2) : formatNumber(v, 3));

/**
 * Thumbnails per page of a list. The lists are short and ranked over the whole sampled window
 * (up to 20,000 embeddings decoded and sorted on the server), so they arrive whole and are paged
 * here: asking the server per page would redo that ranking, and select all spans every page.
 */
const IMAGES_PER_PAGE = 12;

const EVENT_TEXT: Record<AlertEventKind, string> = {
  raised: "raised",
  escalated: `escalated to ${ALERT_SEVERITY_WORDS.critical.label.toLowerCase()}`,
  recovered: "back within its thresholds",
  acknowledged: "acknowledged",
  assigned: "assigned",
  note: "note",
  snoozed: "snoozed",
  resolved: "resolved",
  reopened: "reopened",
  sent_to_labeling: "sent images to labeling",
};

export function AlertDetail({ id, userId, canTriage, canTrain, datasets }: { id: string; userId: string; canTriage: boolean; canTrain: boolean; datasets: Array<{ id: string; name: string }> }) {
  const { data, error, isLoading } = useAlert(id);
  const queryClient = useQueryClient();
  const [note, setNote] = useState("");
  const [problem, setProblem] = useState<string | null>(null);
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [datasetId, setDatasetId] = useState(datasets[0]?.id ?? "");
  const [sending, setSending] = useState(false);
  const [sent, setSent] = useState<{ added: number; datasetId: string; skipped: number } | null>(null);
  if (isLoading) return <p className="muted">Loading…</p>;
  if (error || !data) return <p className="error">{(error as Error | null)?.message ?? "no such alert"}</p>;
  const { alert, rootCause } = data;
  // The inbox and the navigation's count read the alert lists: a step may move this alert out of "unresolved".
  const refresh = () => Promise.all([queryClient.invalidateQueries({ queryKey: ["alert", id] }), queryClient.invalidateQueries({ queryKey: ["alerts"] })]);
  const step = async (s: TriageStep) => {
    setProblem(null);
    try {
      await triageAlert(id, s);
      await refresh();
    } catch (e) {
      setProblem((e as Error).message);
    }
  };
  // One prediction may rank in both lists; it is one image to select and send.
  const sendable = [...new Set([...rootCause.farthest, ...rootCause.lowestConfidence].filter((img) => img.imageKept).map((img) => img.predictionId))];
  const toggle = (predictionId: string, on: boolean) => {
    setSent(null);
    setSelected((current) => {
      const next = new Set(current);
      if (on) next.add(predictionId);
      else next.delete(predictionId);
      return next;
    });
  };
  const send = async () => {
    setProblem(null);
    setSending(true);
    try {
      const result = await sendAlertImagesToLabeling(id, { datasetId, predictionIds: [...selected] });
      setSent({ added: result.added, datasetId: result.datasetId, skipped: result.skipped.length });
      setSelected(new Set());
      await refresh();
    } catch (e) {
      setProblem((e as Error).message);
    } finally {
      setSending(false);
    }
  };
  const lastFeature = rootCause.features.find((f) => f.feature === alert.feature);
  const reference = rootCause.references[alert.feature];
  const open = alert.status === "open" || alert.status === "snoozed";
  const unresolved = alert.status !== "resolved";
  const allSelected = sendable.length > 0 && sendable.every((p) => selected.has(p));

  return (
    <div className="alert-detail">
      <div className="page-head">
        <h1>
          {featureLabel(alert.feature)} drift <SeverityPill severity={alert.severity} />
        </h1>
        <span aria-label="Alert state">
          <AlertStatePill status={alert.status} />
        </span>
      </div>
      <p>
        {metricLabel(alert.metric)} {fmt(alert.value)} (peak {fmt(alert.peakValue)}) against a threshold of {fmt(alert.threshold)}, model {alert.baseline.modelVersion.name} v{alert.baseline.modelVersion.version}, window <Time value={alert.windowStart} /> – <Time value={alert.windowEnd} />
        . Raised <Time value={alert.createdAt} relative />
        {alert.status === "snoozed" && alert.snoozedUntil ? (
          <>
            , snoozed until <Time value={alert.snoozedUntil} />
          </>
        ) : null}
        .{alert.assignee ? ` Assigned to ${alert.assignee.name}.` : ""}
      </p>

      {canTriage ? (
        <div className="toolbar" aria-label="Triage">
          {open ? (
            <button type="button" onClick={() => step({ action: "acknowledge" })}>
              Acknowledge
            </button>
          ) : null}
          {alert.status === "open" || alert.status === "acknowledged" ? (
            <>
              <button type="button" className="secondary" onClick={() => step({ action: "snooze", until: new Date(Date.now() + 3_600_000).toISOString() })}>
                Snooze 1 h
              </button>
              <button type="button" className="secondary" onClick={() => step({ action: "snooze", until: new Date(Date.now() + 86_400_000).toISOString() })}>
                Snooze 24 h
              </button>
            </>
          ) : null}
          {unresolved ? (
            <button type="button" className="secondary" onClick={() => step({ action: "resolve" })}>
              Resolve
            </button>
          ) : (
            <button type="button" className="secondary" onClick={() => step({ action: "reopen" })}>
              Reopen
            </button>
          )}
          {alert.assignee?.id === userId ? (
            <button type="button" className="secondary" onClick={() => step({ action: "assign", assigneeId: null })}>
              Unassign me
            </button>
          ) : (
            <button type="button" className="secondary" onClick={() => step({ action: "assign", assigneeId: userId })}>
              Assign to me
            </button>
          )}
        </div>
      ) : null}
      {problem ? (
        <p className="error" role="alert">
          {problem}
        </p>
      ) : null}

      <h2>Root cause</h2>
      <p className="small muted">
        {formatCount(rootCause.window.predictionCount, "prediction")} in the alert&apos;s window
        {rootCause.window.sampled < rootCause.window.predictionCount ? `; images and slices from the latest ${formatNumber(rootCause.window.sampled)}` : ""}.
      </p>
      <div className="chart-grid">
        <table className="table" aria-label="Features that moved">
          <thead>
            <tr>
              <th>Feature (latest report)</th>
              <th>Status</th>
              {DRIFT_METRICS.map((metric) => (
                <th key={metric} className="num">
                  {DRIFT_METRIC_DEFINITIONS[metric].label}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rootCause.features.map((f) => (
              <tr key={f.feature}>
                <td>{featureLabel(f.feature)}</td>
                <td>
                  <DriftStatusPill status={f.status} />
                </td>
                {DRIFT_METRICS.map((metric) => (
                  <td key={metric} className="num">
                    {fmt(f.metrics[metric])}
                  </td>
                ))}
              </tr>
            ))}
            <tr>
              <td>Embedding (cosine)</td>
              <td />
              <td className="num" colSpan={DRIFT_METRICS.length}>
                {fmt(rootCause.embedding.distance)} (bootstrap p95 {fmt(rootCause.embedding.threshold)})
              </td>
            </tr>
          </tbody>
        </table>
        {reference && alert.feature !== EMBEDDING_FEATURE ? <HistogramOverlay title={featureLabel(alert.feature)} reference={reference} windowCounts={lastFeature?.counts ?? null} /> : null}
      </div>

      <h3>Slices that explain it</h3>
      <p className="small muted">
        Over the alert&apos;s whole window ({formatCount(rootCause.window.sampled, "prediction")}) the {alert.metric === EMBEDDING_METRIC ? "cosine distance" : DRIFT_METRIC_DEFINITIONS[HEADLINE_DRIFT_METRIC].label} is {fmt(rootCause.sampledMetric)}; recomputed
        without each slice, a slice whose removal brings it back to the baseline explains the drift.
      </p>
      {rootCause.slices.length === 0 ? (
        <p className="muted small">No slice dimension has more than one value in this window.</p>
      ) : (
        <table className="table" aria-label="Slices">
          <thead>
            <tr>
              <th>Slice</th>
              <th className="num">Images</th>
              <th className="num">{metricLabel(alert.metric)} without it</th>
              <th className="num">Explains</th>
            </tr>
          </thead>
          <tbody>
            {rootCause.slices.map((s) => (
              <tr key={`${s.dimension}:${s.value}`}>
                <td>
                  {s.dimension.replace("_", " ")} = {s.value}
                </td>
                <td className="num">
                  {formatNumber(s.count)} ({formatPercent(s.share, 0)})
                </td>
                <td className="num">{fmt(s.metricWithout)}</td>
                <td className="num">{fmt(s.explained)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}

      <h2>Images to look at</h2>
      <p className="small muted">
        The model&apos;s boxes are drawn in the class colours. {canTriage ? "Select images to send them to a dataset's labeling queue; only images the caller let us keep (?keep=1) can be sent." : "Reviewers can open the pictures and send them to labeling."}
      </p>
      <ImageList listKey="farthest" title="Farthest from the baseline (embedding distance)" images={rootCause.farthest} selected={selected} onToggle={toggle} canSelect={canTriage} />
      <ImageList listKey="lowest" title="Lowest confidence" images={rootCause.lowestConfidence} selected={selected} onToggle={toggle} canSelect={canTriage} />

      {canTriage ? (
        <section className="selection-bar" aria-label="Send to labeling">
          <div className="selection-bar-row">
            <span className="selection-count" aria-live="polite" data-testid="selection-count">
              <strong>{formatNumber(selected.size)}</strong> of {formatCount(sendable.length, "image")} selected
            </span>
            <button type="button" className="secondary" disabled={allSelected || sendable.length === 0} onClick={() => {
                setSent(null);
                setSelected(new Set(sendable));
              }}>
              Select all
            </button>
            <button type="button" className="secondary" disabled={selected.size === 0} onClick={() => setSelected(new Set())}>
              Select none
            </button>
            <span className="spacer" />
            {datasets.length ? (
              <>
                <span className="small muted">Label in</span>
                <Select aria-label="Dataset to label in" value={datasetId} onValueChange={setDatasetId} options={datasets.map((d) => ({ value: d.id, label: d.name }))} />
              </>
            ) : (
              <span className="small muted">No dataset to label in: import one first.</span>
            )}
            <button type="button" disabled={selected.size === 0 || !datasetId || sending} onClick={send}>
              {sending ? "Sending…" : `Send ${formatCount(selected.size, "image")} to labeling`}
            </button>
          </div>
          {sent ? (
            <p role="status" className="selection-bar-result">
              {formatCount(sent.added, "image")} added{sent.skipped ? `, ${formatNumber(sent.skipped)} skipped (already in the dataset or not kept)` : ""}.{" "}
              <Link href={`/datasets/${sent.datasetId}?labelStatus=unlabeled`}>Open the labeling queue</Link>
              {canTrain ? (
                <>
                  {" "}
                  · <Link href={`/train?dataset=${sent.datasetId}`}>Retrain on this dataset</Link>
                </>
              ) : null}
            </p>
          ) : null}
        </section>
      ) : null}

      {alert.labelingBatches.length ? (
        <>
          <h2>Sent to labeling</h2>
          <ul className="small" aria-label="Sent to labeling">
            {alert.labelingBatches.map((b) => (
              <li key={b.id}>
                <Time value={b.createdAt} relative />: {formatCount(b._count.items, "image")} to <Link href={`/datasets/${b.dataset.id}?labelStatus=unlabeled`}>{b.dataset.name}</Link>
              </li>
            ))}
          </ul>
        </>
      ) : null}

      <h2>Timeline</h2>
      <ol className="plain timeline" aria-label="Timeline">
        {alert.events.map((e) => (
          <li key={e.id}>
            <span className="muted small">
              <Time value={e.at} relative />
            </span>{" "}
            {isOneOf(ALERT_EVENT_KINDS, e.kind) ? EVENT_TEXT[e.kind] : e.kind}
            {e.actor ? ` by ${e.actor.name}` : ""}
            {typeof e.detail?.note === "string" ? `: ${e.detail.note}` : ""}
            {e.kind === "snoozed" && typeof e.detail?.until === "string" ? (
              <>
                {" "}
                until <Time value={e.detail.until} />
              </>
            ) : null}
            {e.kind === "sent_to_labeling" && typeof e.detail?.images === "number" ? ` (${formatCount(e.detail.images, "image")})` : ""}
          </li>
        ))}
      </ol>
      {canTriage ? (
        <form
          className="toolbar"
          onSubmit={async (event) => {
            event.preventDefault();
            if (!note.trim()) return;
            await step({ action: "note", note });
            setNote("");
          }}
        >
          <input aria-label="Note" placeholder="Add a note" value={note} onChange={(e) => setNote(e.target.value)} maxLength={2000} style={{ flex: 1 }} />
          <button type="submit" className="secondary">
            Add note
          </button>
        </form>
      ) : null}
    </div>
  );
}

/** One ranked list of the window's images, a page at a time, each a thumbnail with the model's boxes. */
function ImageList({
  listKey,
  title,
  images,
  selected,
  onToggle,
  canSelect,
}: {
  listKey: string;
  title: string;
  images: RootCauseImageView[];
  selected: ReadonlySet<string>;
  onToggle: (predictionId: string, on: boolean) => void;
  canSelect: boolean;
}) {
  const [page, setPage] = useState(0);
  const shown = listPage(images, page, IMAGES_PER_PAGE);
  return (
    <section aria-label={title} className="image-list">
      <div className="image-list-head">
        <h3>{title}</h3>
        {images.length ? (
          <nav className="image-pager" aria-label={`${title}: pages`}>
            <button type="button" className="secondary" disabled={shown.page === 0} onClick={() => setPage(shown.page - 1)}>
              Previous
            </button>
            <span className="small muted" aria-live="polite">
              {shown.first}–{shown.last} of {formatCount(images.length, "image")}
            </span>
            <button type="button" className="secondary" disabled={shown.page >= shown.pageCount - 1} onClick={() => setPage(shown.page + 1)}>
              Next
            </button>
          </nav>
        ) : null}
      </div>
      {images.length === 0 ? <p className="muted small">None in this window.</p> : null}
      <ul className="thumb-grid">
        {shown.items.map((img) => {
          const selectable = canSelect && img.imageKept;
          const checked = selected.has(img.predictionId);
          const boxId = `pick-${listKey}-${img.predictionId}`;
          return (
            <li key={img.predictionId} className={`thumb-card${checked ? " selected" : ""}`}>
              <PredictionThumbnail image={img} showPicture={canSelect} labelFor={selectable ? boxId : undefined} />
              <div className="thumb-meta small">
                <span>{img.source ?? "no source"}</span> · <span>{formatCount(img.boxCount, "box")}</span> · <span>top {img.maxScore === null ? "–" : formatNumber(img.maxScore, 2)}</span>
                {img.distance !== null ? <span> · distance {fmt(img.distance)}</span> : null}
              </div>
              <DetectionClasses detections={img.detections} />
              <div className="thumb-foot small">
                <span className="muted">
                  <Time value={img.createdAt} relative />
                </span>
                {selectable ? <Checkbox id={boxId} checked={checked} onCheckedChange={(on) => onToggle(img.predictionId, on)} aria-label={`Select prediction ${img.predictionId}`} label="Select" /> : null}
              </div>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
