"use client";

import Link from "next/link";
import { useState } from "react";
import { useQueryClient } from "@tanstack/react-query";
import type { MonitoringDashboardView, ThresholdRow } from "@/lib/contracts/http/monitoring";
import { EMBEDDING_FEATURE, MONITORED_FEATURES } from "@/lib/domain/drift/features";
import { DRIFT_METRIC_DEFINITIONS, DRIFT_METRICS, EMBEDDING_METRIC, HEADLINE_DRIFT_METRIC } from "@/lib/domain/drift/metrics/catalogue";
import { driftStatus } from "@/lib/domain/drift/status";
import { formatCount, formatDateTime, formatDuration, formatNumber } from "@/lib/presentation/format";
import { ALERT_STATUS_WORDS } from "@/lib/presentation/status-words";
import { Select } from "@/components/ui/select";
import { Time } from "@/components/ui/time";
import { baselineFromWindow, computeDriftNow, saveThreshold, useMonitoring } from "../api-hooks";
import { EmptyState } from "../empty-state";
import { CosineSeries, HistogramOverlay, MetricSeries, VolumeChart } from "./drift-charts";
import { DriftMethod } from "./drift-method";
import { DriftStatusPill, featureLabel as label, windowStatusWord } from "./drift-words";

const fmt = (v: number | null | undefined, digits = 3) => (v === null || v === undefined ? "–" : formatNumber(v, digits));

const TIME_RANGES = [
  { value: "6", label: "Last 6 hours" },
  { value: "24", label: "Last 24 hours" },
  { value: "168", label: "Last 7 days" },
] as const;

export function DriftDashboard({ initial, canTriage, canManage }: { initial: MonitoringDashboardView; canTriage: boolean; canManage: boolean }) {
  const [hours, setHours] = useState(24);
  const { data = initial } = useMonitoring(hours, initial);
  const [feature, setFeature] = useState("brightness");
  const [message, setMessage] = useState<string | null>(null);
  const queryClient = useQueryClient();
  const refresh = () => queryClient.invalidateQueries({ queryKey: ["monitoring"] });

  if (!data.production)
    return (
      <EmptyState title="No model in production" action={{ href: "/models", label: "Promote one on the Models page" }}>
        Once a model serves, the monitor builds its baseline from the validation and test images and judges every window of live predictions against it.
      </EmptyState>
    );
  const latest = data.latest;
  const threshold = (f: string, metric: string) => data.thresholds.find((t) => t.feature === f && t.metric === metric);
  const headline = threshold("brightness", HEADLINE_DRIFT_METRIC)!;
  const cosine = threshold(EMBEDDING_FEATURE, EMBEDDING_METRIC)!;
  const reference = data.baseline?.references[feature];
  const windowFeature = latest?.features.find((f) => f.feature === feature);
  const run = async (action: () => Promise<string>) => {
    setMessage(null);
    try {
      setMessage(await action());
      await refresh();
    } catch (error) {
      setMessage((error as Error).message);
    }
  };
  const lastHours = (h: number) => ({ from: new Date(Date.now() - h * 3_600_000).toISOString(), to: new Date(Date.now() + 60_000).toISOString() });

  return (
    <>
      <section className="cards">
        <div className="card">
          <h2>Serving</h2>
          <p>
            <strong>
              {data.production.name} v{data.production.version}
            </strong>{" "}
            is in production.
          </p>
          {data.baseline ? (
            <p className="small muted">
              Baseline: {data.baseline.source === "split" ? `its ${data.baseline.split} predictions` : `production window ${formatDateTime(data.baseline.windowStart!)} – ${formatDateTime(data.baseline.windowEnd!)}`},{" "}
              {formatCount(data.baseline.predictionCount, "image")}, built <Time value={data.baseline.createdAt} relative />.
            </p>
          ) : (
            <p className="small muted">No baseline yet: the monitor builds one within a minute of a promotion.</p>
          )}
        </div>
        <div className="card">
          <h2>Current window</h2>
          {latest ? (
            <p>
              <DriftStatusPill status={latest.status} /> {formatCount(latest.predictionCount, "prediction")}, <Time value={latest.windowStart} /> – <Time value={latest.windowEnd} />
              <span className="small muted">
                {" "}
                ({latest.trigger === "scheduled" ? "scheduled" : "on demand"}, computed in {formatDuration(latest.computeMs)})
              </span>
            </p>
          ) : (
            <p className="muted">No drift report yet.</p>
          )}
          <p>
            <Link href="/monitor/alerts">
              Alerts: {formatNumber(data.alerts.open)} {ALERT_STATUS_WORDS.open.label.toLowerCase()}, {formatNumber(data.alerts.acknowledged)} {ALERT_STATUS_WORDS.acknowledged.label.toLowerCase()}, {formatNumber(data.alerts.snoozed)}{" "}
              {ALERT_STATUS_WORDS.snoozed.label.toLowerCase()}
            </Link>
          </p>
        </div>
      </section>

      <div className="toolbar">
        <Select label="Time range" value={String(hours)} onValueChange={(value) => setHours(Number(value))} options={TIME_RANGES} />
        <span className="spacer" />
        {canTriage && data.baseline ? (
          <>
            <button type="button" className="secondary" onClick={() => run(async () => `Last hour: ${windowStatusWord((await computeDriftNow(lastHours(1))).status).label}`)}>
              Compute last hour now
            </button>
            <button type="button" className="secondary" onClick={() => run(async () => `Last 24 h: ${windowStatusWord((await computeDriftNow(lastHours(24))).status).label}`)}>
              Compute last 24 h
            </button>
          </>
        ) : null}
        {canManage ? (
          <button type="button" className="secondary" onClick={() => run(async () => `New baseline from ${formatCount((await baselineFromWindow(lastHours(24))).predictionCount, "prediction")} of the last 24 h`)}>
            Use last 24 h as baseline
          </button>
        ) : null}
      </div>
      {message ? <p role="status">{message}</p> : null}

      {latest ? (
        <table className="table" aria-label="Drift per feature">
          <thead>
            <tr>
              <th>Feature</th>
              <th>Status</th>
              {DRIFT_METRICS.map((metric) => (
                <th key={metric} className="num">
                  {DRIFT_METRIC_DEFINITIONS[metric].label}
                </th>
              ))}
              <th className="num">Values</th>
              <th>Thresholds (warning / drift)</th>
            </tr>
          </thead>
          <tbody>
            {latest.features.map((f) => (
              <tr key={f.feature} onClick={() => setFeature(f.feature)} className={f.feature === feature ? "selected" : undefined}>
                <td>
                  <button type="button" className="link" onClick={() => setFeature(f.feature)}>
                    {label(f.feature)}
                  </button>
                </td>
                <td>
                  <DriftStatusPill status={f.status} />
                </td>
                {DRIFT_METRICS.map((metric) => (
                  <td key={metric} className="num">
                    {fmt(f.metrics[metric])}
                  </td>
                ))}
                <td className="num">
                  {formatNumber(f.total)}
                  {f.missing ? <span className="muted small"> +{formatNumber(f.missing)} missing</span> : null}
                </td>
                <td>
                  {DRIFT_METRICS.map((metric) => (
                    <ThresholdCell key={metric} row={threshold(f.feature, metric)!} canManage={canManage} onSaved={refresh} />
                  ))}
                </td>
              </tr>
            ))}
            <tr>
              <td>Embedding</td>
              <td>
                <DriftStatusPill status={latest.embeddingDistance === null || latest.embeddingThreshold === null ? "insufficient" : driftStatus(latest.embeddingDistance, { warning: cosine.warning * latest.embeddingThreshold, drift: cosine.drift * latest.embeddingThreshold })} />
              </td>
              <td className="num" colSpan={DRIFT_METRICS.length}>
                cosine {latest.embeddingDistance === null ? "–" : latest.embeddingDistance.toExponential(2)}
              </td>
              <td className="num">{formatNumber(latest.predictionCount)}</td>
              <td>
                <span className="small muted">bootstrap p95 {latest.embeddingThreshold === null ? "–" : latest.embeddingThreshold.toExponential(2)} × </span>
                <ThresholdCell row={cosine} canManage={canManage} onSaved={refresh} />
              </td>
            </tr>
          </tbody>
        </table>
      ) : null}

      <div className="chart-grid">
        {reference ? <HistogramOverlay title={label(feature)} reference={reference} windowCounts={windowFeature?.counts ?? null} /> : null}
        <VolumeChart volume={data.volume} bucketMinutes={data.bucketMinutes ?? 60} />
        <MetricSeries title={`${DRIFT_METRIC_DEFINITIONS[HEADLINE_DRIFT_METRIC].label} per feature over time`} series={data.series} metric={HEADLINE_DRIFT_METRIC} features={MONITORED_FEATURES.map((f) => f.name)} warning={headline.warning} drift={headline.drift} />
        <CosineSeries series={data.series} warningFactor={cosine.warning} driftFactor={cosine.drift} />
      </div>
      <DriftMethod />
    </>
  );
}

function ThresholdCell({ row, canManage, onSaved }: { row: ThresholdRow; canManage: boolean; onSaved: () => void }) {
  const [editing, setEditing] = useState(false);
  const [warning, setWarning] = useState(String(row.warning));
  const [drift, setDrift] = useState(String(row.drift));
  const [error, setError] = useState<string | null>(null);
  const text = `${row.metric} ${row.warning} / ${row.drift}${row.custom ? " (custom)" : ""}`;
  if (!canManage || !editing)
    return (
      <span className="small">
        {text}{" "}
        {canManage ? (
          <button type="button" className="link small" onClick={() => setEditing(true)} aria-label={`Edit ${row.metric} thresholds of ${label(row.feature)}`}>
            edit
          </button>
        ) : null}{" "}
      </span>
    );
  const save = async (reset = false) => {
    try {
      await saveThreshold({ feature: row.feature, metric: row.metric, warning: Number(warning), drift: Number(drift), reset });
      setEditing(false);
      onSaved();
    } catch (e) {
      setError((e as Error).message);
    }
  };
  return (
    <span className="small">
      {row.metric}{" "}
      <input aria-label={`${row.metric} warning threshold of ${label(row.feature)}`} type="number" step="any" min="0" value={warning} onChange={(e) => setWarning(e.target.value)} style={{ width: "5em" }} />{" "}
      <input aria-label={`${row.metric} drift threshold of ${label(row.feature)}`} type="number" step="any" min="0" value={drift} onChange={(e) => setDrift(e.target.value)} style={{ width: "5em" }} />{" "}
      <button type="button" onClick={() => save()}>
        Save
      </button>{" "}
      {row.custom ? (
        <button type="button" className="secondary" onClick={() => save(true)}>
          Default
        </button>
      ) : null}
      {error ? <span className="error">{error}</span> : null}
    </span>
  );
}
