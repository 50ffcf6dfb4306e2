"use client";

import type { ReactNode } from "react";
import { Bar, BarChart, CartesianGrid, Cell, ComposedChart, Legend, Line, LineChart, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { MonitoringDashboardView } from "@/lib/contracts/http/monitoring";
import { classColor, classLabel, OTHER_CLASS_COLOR } from "@/lib/domain/classes";
import type { FeatureReference } from "@/lib/domain/drift/features";
import type { DriftMetric } from "@/lib/domain/drift/metrics/catalogue";
import { referenceBinLabels, shares } from "@/lib/domain/drift/labels";
import { formatDateTime, formatNumber, formatPercent } from "@/lib/presentation/format";
import { DRIFT_STATUS_WORDS } from "@/lib/presentation/status-words";
import { featureLabel } from "./drift-words";

/**
 * Feature lines get hues apart from the threshold colours (amber warning, red drift) and from the
 * class palette, so a line is never mistaken for a threshold or a class.
 */
const FEATURE_COLORS = ["#2457c5", "#17becf", "#8c564b", "#e377c2", "#4e5d6c", "#bcbd22", "#1f3a93", "#9467bd", "#5b8c5a"];
/** The threshold lines in the tones of the Warning and Drift pills (globals.css --warn, --down). */
const THRESHOLD_COLORS = { warning: "#a86400", drift: "#b3261e" } as const;
const NEUTRAL_BAR = "#9aa9bf";
const SLATE = "#4e5d6c";
const WINDOW_BAR = "#2457c5";

const at = (iso: string) => formatDateTime(iso);
const reading = (value: unknown) => (typeof value === "number" ? (value !== 0 && Math.abs(value) < 0.001 ? value.toExponential(2) : formatNumber(value, 3)) : String(value));
const short = (value: number) => (value !== 0 && Math.abs(value) < 0.001 ? value.toExponential(1) : String(Number(value.toPrecision(3))));

/** A marker on every point, smaller where hundreds of reports would merge into a band; a lone report is still a dot. */
function marker(points: number, color: string) {
  const r = points <= 60 ? 3.5 : points <= 300 ? 2 : 1.2;
  return { r, fill: color, stroke: color, strokeWidth: 0 };
}

/** What a chart shows when it has nothing to draw: its frame, at its height, saying why and when that changes. */
function ChartEmpty({ height, children }: { height: number; children: ReactNode }) {
  return (
    <div className="chart-empty" style={{ height }}>
      <p>{children}</p>
    </div>
  );
}

/**
 * The threshold lines' names, beside the chart instead of on it: labels drawn at a line's end
 * collide whenever warning and drift are close on the axis.
 */
function ThresholdKey({ warning, drift }: { warning: string; drift: string }) {
  const entry = (kind: keyof typeof THRESHOLD_COLORS, from: string) => (
    <li key={kind}>
      <svg width="22" height="8" aria-hidden>
        <line x1="0" y1="4" x2="22" y2="4" stroke={THRESHOLD_COLORS[kind]} strokeWidth="2" strokeDasharray="4 3" />
      </svg>
      {DRIFT_STATUS_WORDS[kind].label} from {from}
    </li>
  );
  return (
    <ul className="chart-key" aria-label="Thresholds">
      {entry("warning", warning)}
      {entry("drift", drift)}
    </ul>
  );
}

/** Baseline vs window shares per bin of one feature; the class mix in the class palette (light: baseline, solid: window). */
export function HistogramOverlay({ title, reference, windowCounts }: { title: string; reference: FeatureReference; windowCounts: number[] | null }) {
  const labels = reference.kind === "categorical" ? [...reference.categories.map((c) => classLabel(c)), "Other"] : referenceBinLabels(reference);
  const colors = reference.kind === "categorical" ? [...reference.categories.map((c) => classColor(c)), OTHER_CLASS_COLOR] : null;
  const base = shares(reference.counts);
  const win = windowCounts ? shares(windowCounts) : null;
  const data = labels.map((label, i) => ({ label, baseline: base[i] ?? 0, window: win ? (win[i] ?? 0) : null }));
  return (
    <figure className="chart" aria-label={`${title}: baseline vs window`}>
      <figcaption>
        {title}: share per {reference.kind === "categorical" ? "class" : "bin"}, baseline vs window
      </figcaption>
      <ResponsiveContainer width="100%" height={220}>
        <BarChart data={data} margin={{ top: 8, right: 16, bottom: 8, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis dataKey="label" fontSize={10} interval={0} angle={-20} textAnchor="end" height={48} />
          <YAxis fontSize={11} tickFormatter={(v: number) => `${Math.round(v * 100)}%`} />
          <Tooltip formatter={(v) => (typeof v === "number" ? formatPercent(v) : String(v))} />
          <Legend verticalAlign="top" height={24} wrapperStyle={{ fontSize: 11 }} />
          <Bar dataKey="baseline" fill={NEUTRAL_BAR} isAnimationActive={false}>
            {colors ? colors.map((color, i) => <Cell key={i} fill={color} fillOpacity={0.35} />) : null}
          </Bar>
          {win ? (
            <Bar dataKey="window" fill={colors ? SLATE : WINDOW_BAR} isAnimationActive={false}>
              {colors ? colors.map((color, i) => <Cell key={i} fill={color} />) : null}
            </Bar>
          ) : null}
        </BarChart>
      </ResponsiveContainer>
      {win ? null : <p className="small muted">No window counts for this feature yet: only the baseline is shown.</p>}
    </figure>
  );
}

/** One metric per feature over time, with its warning and drift thresholds. */
export function MetricSeries({ title, series, metric, features, warning, drift }: { title: string; series: MonitoringDashboardView["series"]; metric: DriftMetric; features: string[]; warning: number; drift: number }) {
  const data = series.map((s) => ({ at: at(s.at), ...Object.fromEntries(features.map((f) => [f, s.metrics[metric][f] ?? null])) }));
  const height = 240;
  return (
    <figure className="chart" aria-label={title}>
      <figcaption>{title}</figcaption>
      <ThresholdKey warning={short(warning)} drift={short(drift)} />
      {data.length === 0 ? (
        <ChartEmpty height={height}>No drift reports in this time range. The monitor writes one a minute once the production model has served enough predictions in the last hour to judge.</ChartEmpty>
      ) : (
        <ResponsiveContainer width="100%" height={height}>
          <LineChart data={data} margin={{ top: 8, right: 16, bottom: 8, left: 0 }}>
            <CartesianGrid strokeDasharray="3 3" />
            <XAxis dataKey="at" fontSize={10} minTickGap={60} />
            <YAxis fontSize={11} />
            <Tooltip formatter={reading} />
            <Legend verticalAlign="top" height={28} wrapperStyle={{ fontSize: 11 }} />
            <ReferenceLine y={warning} stroke={THRESHOLD_COLORS.warning} strokeDasharray="4 3" ifOverflow="extendDomain" />
            <ReferenceLine y={drift} stroke={THRESHOLD_COLORS.drift} strokeDasharray="4 3" ifOverflow="extendDomain" />
            {features.map((f, i) => {
              const color = FEATURE_COLORS[i % FEATURE_COLORS.length]!;
              return <Line key={f} dataKey={f} name={featureLabel(f)} stroke={color} dot={marker(data.length, color)} activeDot={{ r: 5 }} isAnimationActive={false} connectNulls={false} strokeWidth={1.5} />;
            })}
          </LineChart>
        </ResponsiveContainer>
      )}
    </figure>
  );
}

/** The embedding's cosine distance over time against its bootstrap threshold (scaled by the warning and drift factors). */
export function CosineSeries({ series, warningFactor, driftFactor }: { series: MonitoringDashboardView["series"]; warningFactor: number; driftFactor: number }) {
  const data = series
    .filter((s) => s.cosine !== null)
    .map((s) => ({ at: at(s.at), distance: s.cosine, warning: s.cosineThreshold === null ? null : s.cosineThreshold * warningFactor, drift: s.cosineThreshold === null ? null : s.cosineThreshold * driftFactor }));
  const height = 220;
  // Dashed threshold lines need two points to show; a lone report gets their markers instead.
  const thresholdDot = (kind: keyof typeof THRESHOLD_COLORS) => (data.length === 1 ? { r: 3, fill: "#fff", stroke: THRESHOLD_COLORS[kind], strokeWidth: 2 } : false);
  return (
    <figure className="chart" aria-label="Embedding cosine distance over time">
      <figcaption>Embedding: cosine distance of the window mean from the baseline mean</figcaption>
      <ThresholdKey warning={`${short(warningFactor)}× the bootstrap p95`} drift={`${short(driftFactor)}× the bootstrap p95`} />
      {data.length === 0 ? (
        <ChartEmpty height={height}>No embedding distances in this time range: they come with the drift reports, for models that log embeddings.</ChartEmpty>
      ) : (
        <ResponsiveContainer width="100%" height={height}>
          <LineChart data={data} margin={{ top: 8, right: 16, bottom: 8, left: 0 }}>
            <CartesianGrid strokeDasharray="3 3" />
            <XAxis dataKey="at" fontSize={10} minTickGap={60} />
            <YAxis fontSize={11} tickFormatter={(v: number) => v.toExponential(0)} />
            <Tooltip formatter={(v) => (typeof v === "number" ? v.toExponential(2) : String(v))} />
            <Line dataKey="distance" name="distance" stroke={WINDOW_BAR} dot={marker(data.length, WINDOW_BAR)} activeDot={{ r: 5 }} isAnimationActive={false} strokeWidth={1.6} />
            <Line dataKey="warning" name={DRIFT_STATUS_WORDS.warning.label} stroke={THRESHOLD_COLORS.warning} strokeDasharray="4 3" dot={thresholdDot("warning")} isAnimationActive={false} />
            <Line dataKey="drift" name={DRIFT_STATUS_WORDS.drift.label} stroke={THRESHOLD_COLORS.drift} strokeDasharray="4 3" dot={thresholdDot("drift")} isAnimationActive={false} />
          </LineChart>
        </ResponsiveContainer>
      )}
    </figure>
  );
}

export function VolumeChart({ volume, bucketMinutes }: { volume: MonitoringDashboardView["volume"]; bucketMinutes: number }) {
  const data = volume.map((v) => ({ at: at(v.at), predictions: v.predictions, "mean latency (ms)": Math.round(v.meanLatencyMs), "max latency (ms)": Math.round(v.maxLatencyMs) }));
  const height = 220;
  return (
    <figure className="chart" aria-label="Prediction volume and latency">
      <figcaption>Predictions per {bucketMinutes} min and their latency</figcaption>
      {data.length === 0 ? (
        <ChartEmpty height={height}>No predictions served in this time range.</ChartEmpty>
      ) : (
        <ResponsiveContainer width="100%" height={height}>
          <ComposedChart data={data} margin={{ top: 8, right: 16, bottom: 8, left: 0 }}>
            <CartesianGrid strokeDasharray="3 3" />
            <XAxis dataKey="at" fontSize={10} minTickGap={60} />
            <YAxis yAxisId="n" fontSize={11} tickFormatter={(v: number) => formatNumber(v)} />
            <YAxis yAxisId="ms" orientation="right" fontSize={11} />
            <Tooltip formatter={(v) => (typeof v === "number" ? formatNumber(v) : String(v))} />
            <Legend verticalAlign="top" height={24} wrapperStyle={{ fontSize: 11 }} />
            <Bar yAxisId="n" dataKey="predictions" fill={NEUTRAL_BAR} isAnimationActive={false} />
            <Line yAxisId="ms" dataKey="mean latency (ms)" stroke={WINDOW_BAR} dot={marker(data.length, WINDOW_BAR)} isAnimationActive={false} />
            <Line yAxisId="ms" dataKey="max latency (ms)" stroke={SLATE} dot={marker(data.length, SLATE)} isAnimationActive={false} strokeDasharray="3 3" />
          </ComposedChart>
        </ResponsiveContainer>
      )}
    </figure>
  );
}
