"use client";

import { Bar, BarChart, CartesianGrid, ComposedChart, Legend, Line, LineChart, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { MonitoringDashboardView } from "@/lib/contracts/http/monitoring";
import type { FeatureReference } from "@/lib/domain/drift/features";
import { MONITORED_FEATURES } from "@/lib/domain/drift/features";
import type { DriftMetric } from "@/lib/domain/drift/metrics/catalogue";
import { referenceBinLabels, shares } from "@/lib/domain/drift/labels";

const COLORS = ["#2457c5", "#c0392b", "#1e8449", "#8e44ad", "#d68910", "#117a8b", "#7f8c8d", "#a04000", "#1b4f72"];
const time = (iso: string) => new Date(iso).toLocaleString(undefined, { month: "short", day: "numeric", hour: "2-digit", minute: "2-digit" });
const fixed = (value: unknown) => (typeof value === "number" ? value.toFixed(3) : String(value));

/** Baseline vs window shares per bin of one feature. */
export function HistogramOverlay({ title, reference, windowCounts }: { title: string; reference: FeatureReference; windowCounts: number[] | null }) {
  const labels = referenceBinLabels(reference);
  const base = shares(reference.counts);
  const win = windowCounts ? shares(windowCounts) : null;
  const data = labels.map((label, i) => ({ label, baseline: base[i] ?? 0, window: win ? (win[i] ?? 0) : null }));
  return (
    <figure className="chart" aria-label={`${title}: baseline vs window`}>
      <figcaption>{title}: share per bin, baseline vs window</figcaption>
      <ResponsiveContainer width="100%" height={220}>
        <BarChart data={data} margin={{ top: 8, right: 16, bottom: 8, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis dataKey="label" fontSize={10} interval={0} angle={-20} textAnchor="end" height={48} />
          <YAxis fontSize={11} tickFormatter={(v: number) => `${Math.round(v * 100)}%`} />
          <Tooltip formatter={(v) => (typeof v === "number" ? `${(v * 100).toFixed(1)}%` : String(v))} />
          <Legend verticalAlign="top" height={24} wrapperStyle={{ fontSize: 11 }} />
          <Bar dataKey="baseline" fill="#9aa9bf" isAnimationActive={false} />
          {win ? <Bar dataKey="window" fill="#2457c5" isAnimationActive={false} /> : null}
        </BarChart>
      </ResponsiveContainer>
    </figure>
  );
}

/** One metric per feature over time, with the warning and drift lines. */
export function MetricSeries({ title, series, metric, features, warning, drift }: { title: string; series: MonitoringDashboardView["series"]; metric: DriftMetric; features: string[]; warning: number; drift: number }) {
  const data = series.map((s) => ({ at: time(s.at), ...Object.fromEntries(features.map((f) => [f, s.metrics[metric][f] ?? null])) }));
  return (
    <figure className="chart" aria-label={title}>
      <figcaption>{title}</figcaption>
      <ResponsiveContainer width="100%" height={240}>
        <LineChart data={data} margin={{ top: 8, right: 16, bottom: 8, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis dataKey="at" fontSize={10} minTickGap={40} />
          <YAxis fontSize={11} />
          <Tooltip formatter={fixed} />
          <Legend verticalAlign="top" height={28} wrapperStyle={{ fontSize: 11 }} />
          <ReferenceLine y={warning} stroke="#d68910" strokeDasharray="4 4" label={{ value: "warning", fontSize: 10, position: "insideTopRight" }} />
          <ReferenceLine y={drift} stroke="#c0392b" strokeDasharray="4 4" label={{ value: "drift", fontSize: 10, position: "insideTopRight" }} />
          {features.map((f, i) => (
            <Line key={f} dataKey={f} name={MONITORED_FEATURES.find((m) => m.name === f)?.label ?? f} stroke={COLORS[i % COLORS.length]} dot={false} isAnimationActive={false} connectNulls={false} strokeWidth={1.5} />
          ))}
        </LineChart>
      </ResponsiveContainer>
    </figure>
  );
}

/** The embedding's cosine distance over time against its bootstrap threshold (scaled by the warning and drift factors). */
export function CosineSeries({ series, warningFactor, driftFactor }: { series: MonitoringDashboardView["series"]; warningFactor: number; driftFactor: number }) {
  const data = series.map((s) => ({ at: time(s.at), distance: s.cosine, warning: s.cosineThreshold === null ? null : s.cosineThreshold * warningFactor, drift: s.cosineThreshold === null ? null : s.cosineThreshold * driftFactor }));
  return (
    <figure className="chart" aria-label="Embedding cosine distance over time">
      <figcaption>Embedding: cosine distance of the window mean from the baseline mean</figcaption>
      <ResponsiveContainer width="100%" height={220}>
        <LineChart data={data} margin={{ top: 8, right: 16, bottom: 8, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis dataKey="at" fontSize={10} minTickGap={40} />
          <YAxis fontSize={11} tickFormatter={(v: number) => v.toExponential(0)} />
          <Tooltip formatter={(v) => (typeof v === "number" ? v.toExponential(2) : String(v))} />
          <Legend verticalAlign="top" height={24} wrapperStyle={{ fontSize: 11 }} />
          <Line dataKey="distance" stroke="#2457c5" dot={false} isAnimationActive={false} strokeWidth={1.6} />
          <Line dataKey="warning" stroke="#d68910" strokeDasharray="4 4" dot={false} isAnimationActive={false} />
          <Line dataKey="drift" stroke="#c0392b" strokeDasharray="4 4" dot={false} isAnimationActive={false} />
        </LineChart>
      </ResponsiveContainer>
    </figure>
  );
}

export function VolumeChart({ volume, bucketMinutes }: { volume: MonitoringDashboardView["volume"]; bucketMinutes: number }) {
  const data = volume.map((v) => ({ at: time(v.at), predictions: v.predictions, "mean latency (ms)": Math.round(v.meanLatencyMs), "max latency (ms)": Math.round(v.maxLatencyMs) }));
  return (
    <figure className="chart" aria-label="Prediction volume and latency">
      <figcaption>Predictions per {bucketMinutes} min and their latency</figcaption>
      <ResponsiveContainer width="100%" height={220}>
        <ComposedChart data={data} margin={{ top: 8, right: 16, bottom: 8, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis dataKey="at" fontSize={10} minTickGap={40} />
          <YAxis yAxisId="n" fontSize={11} />
          <YAxis yAxisId="ms" orientation="right" fontSize={11} />
          <Tooltip />
          <Legend verticalAlign="top" height={24} wrapperStyle={{ fontSize: 11 }} />
          <Bar yAxisId="n" dataKey="predictions" fill="#9aa9bf" isAnimationActive={false} />
          <Line yAxisId="ms" dataKey="mean latency (ms)" stroke="#2457c5" dot={false} isAnimationActive={false} />
          <Line yAxisId="ms" dataKey="max latency (ms)" stroke="#c0392b" dot={false} isAnimationActive={false} strokeDasharray="3 3" />
        </ComposedChart>
      </ResponsiveContainer>
    </figure>
  );
}
