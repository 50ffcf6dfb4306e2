"use client";

import Link from "next/link";
import { useState } from "react";
import { useQueryClient } from "@tanstack/react-query";
import type { AlertDetailView, RootCauseImageView, TriageStep } from "@/lib/contracts/http/monitoring";
import { ALERT_EVENT_KINDS, type AlertEventKind } from "@/lib/domain/drift/alerts";
import { EMBEDDING_FEATURE } from "@/lib/domain/drift/features";
import { DRIFT_METRIC_DEFINITIONS, DRIFT_METRICS, EMBEDDING_METRIC, HEADLINE_DRIFT_METRIC } from "@/lib/domain/drift/metrics/catalogue";
import { isOneOf } from "@/lib/domain/states";
import { sendAlertImagesToLabeling, triageAlert, useAlert } from "../api-hooks";
import { featureLabel } from "./alert-inbox";
import { HistogramOverlay } from "./drift-charts";
import { StatusBadge } from "./drift-dashboard";

const when = (iso: string) => new Date(iso).toLocaleString(undefined, { month: "short", day: "numeric", hour: "2-digit", minute: "2-digit" });
const fmt = (v: number | null | undefined) => (v === null || v === undefined ? "–" : Math.abs(v) < 0.01 && v !== 0 ? v.toExponential(2) : v.toFixed(3));

const EVENT_TEXT: Record<AlertEventKind, string> = {
  raised: "raised",
  escalated: "escalated to critical",
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
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [datasetId, setDatasetId] = useState(datasets[0]?.id ?? "");
  const [sent, setSent] = useState<{ added: number; datasetId: string; skipped: number } | null>(null);
  if (isLoading) return <p className="muted">Loading…</p>;
  if (error || !data) return <p className="error">{(error as Error | null)?.message ?? "no such alert"}</p>;
  const { alert, rootCause } = data;
  const step = async (s: TriageStep) => {
    setProblem(null);
    try {
      await triageAlert(id, s);
      await queryClient.invalidateQueries({ queryKey: ["alert", id] });
    } catch (e) {
      setProblem((e as Error).message);
    }
  };
  const toggle = (predictionId: string) =>
    setSelected((current) => {
      const next = new Set(current);
      if (next.has(predictionId)) next.delete(predictionId);
      else next.add(predictionId);
      return next;
    });
  const send = async () => {
    setProblem(null);
    try {
      const result = await sendAlertImagesToLabeling(id, { datasetId, predictionIds: [...selected] });
      setSent({ added: result.added, datasetId: result.datasetId, skipped: result.skipped.length });
      setSelected(new Set());
      await queryClient.invalidateQueries({ queryKey: ["alert", id] });
    } catch (e) {
      setProblem((e as Error).message);
    }
  };
  const lastFeature = rootCause.features.find((f) => f.feature === alert.feature);
  const reference = rootCause.references[alert.feature];
  const open = alert.status === "open" || alert.status === "snoozed";
  const unresolved = alert.status !== "resolved";

  return (
    <>
      <div className="page-head">
        <h1>
          {featureLabel(alert.feature)} drift <StatusBadge status={alert.severity} />
        </h1>
        <span className="badge" aria-label="Alert state">
          {alert.status}
        </span>
      </div>
      <p>
        {alert.metric.toUpperCase()} {fmt(alert.value)} (peak {fmt(alert.peakValue)}) against a threshold of {fmt(alert.threshold)}, model {alert.baseline.modelVersion.name} v{alert.baseline.modelVersion.version}, window {when(alert.windowStart)} – {when(alert.windowEnd)}.
        {alert.assignee ? ` Assigned to ${alert.assignee.name}.` : ""}
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
        {rootCause.window.predictionCount} predictions in the alert&apos;s window{rootCause.window.sampled < rootCause.window.predictionCount ? `; images and slices from the latest ${rootCause.window.sampled}` : ""}.
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
                  <StatusBadge status={f.status} />
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
        Over the alert&apos;s whole window ({rootCause.window.sampled} predictions) the {alert.metric === EMBEDDING_METRIC ? "cosine distance" : DRIFT_METRIC_DEFINITIONS[HEADLINE_DRIFT_METRIC].label} is {fmt(rootCause.sampledMetric)}; recomputed without each slice, a slice whose removal
        brings it back to the baseline explains the drift.
      </p>
      {rootCause.slices.length === 0 ? (
        <p className="muted small">No slice dimension has more than one value in this window.</p>
      ) : (
        <table className="table" aria-label="Slices">
          <thead>
            <tr>
              <th>Slice</th>
              <th className="num">Images</th>
              <th className="num">{alert.metric} without it</th>
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
                  {s.count} ({Math.round(s.share * 100)}%)
                </td>
                <td className="num">{fmt(s.metricWithout)}</td>
                <td className="num">{fmt(s.explained)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}

      <ImageGrid title="Farthest from the baseline (embedding distance)" images={rootCause.farthest} selected={selected} toggle={toggle} selectable={canTriage} />
      <ImageGrid title="Lowest confidence" images={rootCause.lowestConfidence} selected={selected} toggle={toggle} selectable={canTriage} />

      {canTriage ? (
        <section className="card" aria-label="Send to labeling">
          <h2>Send to labeling</h2>
          <p className="small muted">The selected images become unlabeled images of the dataset, waiting in its labeling queue. Only images kept by the caller (?keep=1) can be sent.</p>
          <div className="toolbar">
            <label>
              Dataset{" "}
              <select aria-label="Dataset to label in" value={datasetId} onChange={(e) => setDatasetId(e.target.value)}>
                {datasets.map((d) => (
                  <option key={d.id} value={d.id}>
                    {d.name}
                  </option>
                ))}
              </select>
            </label>
            <button type="button" disabled={selected.size === 0 || !datasetId} onClick={send}>
              Send {selected.size} to labeling
            </button>
          </div>
          {sent ? (
            <p role="status">
              {sent.added} image{sent.added === 1 ? "" : "s"} added{sent.skipped ? `, ${sent.skipped} skipped` : ""}. <Link href={`/datasets/${sent.datasetId}?labelStatus=unlabeled`}>Open the labeling queue</Link>
              {canTrain ? (
                <>
                  {" "}
                  · <Link href={`/train?dataset=${sent.datasetId}`}>Retrain on this dataset</Link>
                </>
              ) : null}
            </p>
          ) : null}
          {alert.labelingBatches.length ? (
            <ul className="small">
              {alert.labelingBatches.map((b) => (
                <li key={b.id}>
                  {when(b.createdAt)}: {b._count.items} images to <Link href={`/datasets/${b.dataset.id}?labelStatus=unlabeled`}>{b.dataset.name}</Link>
                </li>
              ))}
            </ul>
          ) : null}
        </section>
      ) : null}

      <h2>Timeline</h2>
      <ol className="plain" aria-label="Timeline">
        {alert.events.map((e) => (
          <li key={e.id}>
            <span className="muted small">{when(e.at)}</span> {isOneOf(ALERT_EVENT_KINDS, e.kind) ? EVENT_TEXT[e.kind] : e.kind}
            {e.actor ? ` by ${e.actor.name}` : ""}
            {typeof e.detail?.note === "string" ? `: ${e.detail.note}` : ""}
            {e.kind === "snoozed" && typeof e.detail?.until === "string" ? ` until ${when(e.detail.until)}` : ""}
            {e.kind === "sent_to_labeling" ? ` (${String(e.detail?.images)} images)` : ""}
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
    </>
  );
}

function ImageGrid({ title, images, selected, toggle, selectable }: { title: string; images: RootCauseImageView[]; selected: Set<string>; toggle: (id: string) => void; selectable: boolean }) {
  return (
    <section aria-label={title}>
      <h3>{title}</h3>
      {images.length === 0 ? <p className="muted small">None.</p> : null}
      <ul className="error-grid">
        {images.map((img) => (
          <li key={img.predictionId} className="error-card">
            {img.imageKept ? (
              // eslint-disable-next-line @next/next/no-img-element -- private, per-user images; next/image would proxy them
              <img src={`/api/predictions/${img.predictionId}/image`} alt={`prediction ${img.predictionId}`} style={{ width: "100%", height: 140, objectFit: "contain", background: "#1d232b" }} />
            ) : (
              <div className="muted small" style={{ height: 140, display: "grid", placeItems: "center", background: "#eef1f5" }}>
                image not kept
              </div>
            )}
            <div className="small">
              {img.source ?? "no source"} · {img.boxCount} boxes · top {img.maxScore === null ? "–" : img.maxScore.toFixed(2)}
              {img.distance !== null ? ` · distance ${img.distance.toFixed(3)}` : ""}
            </div>
            {selectable && img.imageKept ? (
              <label className="small">
                <input type="checkbox" checked={selected.has(img.predictionId)} onChange={() => toggle(img.predictionId)} aria-label={`Select prediction ${img.predictionId}`} /> select
              </label>
            ) : null}
          </li>
        ))}
      </ul>
    </section>
  );
}
