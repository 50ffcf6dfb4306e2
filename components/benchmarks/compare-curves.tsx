"use client";

import { CartesianGrid, Legend, Line, LineChart, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { classLabel } from "@/lib/domain/classes";
import { useEvaluationFigures } from "../api-hooks";

/** Colours of models compared side by side (never of classes: those come from the class catalogue). */
const MODEL_SERIES_COLORS = ["#2457c5", "#c0392b", "#1e8449", "#8e44ad", "#d68910", "#117a8b"];

export interface CurvePoint {
  x: number;
  [series: string]: number;
}

/** Several series sampled on the same x grid, as one recharts data array keyed by series name. */
export function mergeSeries(series: Array<{ name: string; x: readonly number[]; y: readonly number[] }>): CurvePoint[] {
  const byX = new Map<number, CurvePoint>();
  for (const s of series) {
    s.x.forEach((x, i) => {
      const key = Math.round(x * 1e6) / 1e6;
      const point = byX.get(key) ?? { x: key };
      const y = s.y[i]!;
      if (y >= 0) point[s.name] = y; // −1 = undefined (pycocotools' convention): no point
      byX.set(key, point);
    });
  }
  return [...byX.values()].sort((a, b) => a.x - b.x);
}

/**
 * A chart of several series on [0, 1] × [0, 1]. Series that are classes pass `colorOf`/`labelOf`
 * (the class catalogue), so a class looks the same here as in the editor and the grid; series that
 * are models take the model palette in order.
 */
export function CurveChart({ title, data, names, xLabel, yLabel, marker, colorOf, labelOf }: { title: string; data: CurvePoint[]; names: string[]; xLabel: string; yLabel: string; marker?: number; colorOf?: (name: string) => string | undefined; labelOf?: (name: string) => string }) {
  return (
    <figure className="chart">
      <figcaption>{title}</figcaption>
      <ResponsiveContainer width="100%" height={240}>
        <LineChart data={data} margin={{ top: 8, right: 16, bottom: 20, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis dataKey="x" type="number" domain={[0, 1]} fontSize={11} label={{ value: xLabel, position: "insideBottom", offset: -10, fontSize: 11 }} />
          <YAxis domain={[0, 1]} fontSize={11} label={{ value: yLabel, angle: -90, position: "insideLeft", fontSize: 11 }} />
          <Tooltip formatter={(value) => (typeof value === "number" ? value.toFixed(3) : String(value))} labelFormatter={(x) => `${xLabel} ${Number(x).toFixed(2)}`} />
          <Legend verticalAlign="top" height={28} wrapperStyle={{ fontSize: 11 }} />
          {names.map((name, i) => (
            <Line key={name} type="linear" dataKey={name} name={labelOf?.(name) ?? name} stroke={colorOf?.(name) ?? MODEL_SERIES_COLORS[i % MODEL_SERIES_COLORS.length]} dot={false} isAnimationActive={false} connectNulls={false} strokeWidth={1.6} />
          ))}
          {marker !== undefined ? <ReferenceLine x={Math.round(marker * 1e6) / 1e6} stroke="#666" strokeDasharray="4 2" label={{ value: `conf ${marker.toFixed(2)}`, fontSize: 10, position: "top" }} /> : null}
        </LineChart>
      </ResponsiveContainer>
    </figure>
  );
}

/**
 * Precision-recall curves per class (COCO's interpolated precision at IoU 0.5 over the 101
 * recall points) and micro F1 against confidence, one line per ticked model.
 */
export function CompareCurves({ evaluationIds, labels }: { evaluationIds: string[]; labels: Record<string, string> }) {
  const queries = useEvaluationFigures(evaluationIds);
  const views = queries.flatMap((q) => (q.data ? [q.data] : []));
  if (evaluationIds.length === 0) return <p className="muted small">Tick models in the table to compare their curves.</p>;
  if (views.length === 0) return <p className="muted small">Loading curves…</p>;
  const classes = [...new Set(views.flatMap((v) => v.metrics.curves.perClass.map((c) => c.className)))];
  const nameOf = (id: string) => labels[id] ?? id;
  return (
    <section aria-label="Model comparison curves">
      <h2>Curves of the ticked models</h2>
      <p className="muted small">Precision–recall: COCO interpolated precision at IoU 0.5 on the 101 recall points. F1 against confidence: all classes pooled, matching at IoU 0.5.</p>
      <div className="chart-grid">
        {classes.map((className) => (
          <CurveChart
            key={className}
            title={`Precision–recall, ${classLabel(className)}`}
            xLabel="recall"
            yLabel="precision"
            names={views.map((v) => nameOf(v.id))}
            data={mergeSeries(views.flatMap((v) => {
              const curve = v.metrics.curves.perClass.find((c) => c.className === className);
              return curve ? [{ name: nameOf(v.id), x: curve.pr.recall, y: curve.pr.precision }] : [];
            }))}
          />
        ))}
        <CurveChart
          title="F1 against confidence, all classes"
          xLabel="confidence"
          yLabel="F1"
          names={views.map((v) => nameOf(v.id))}
          data={mergeSeries(views.map((v) => ({ name: nameOf(v.id), x: v.metrics.curves.micro.f1.confidence, y: v.metrics.curves.micro.f1.f1 })))}
        />
      </div>
    </section>
  );
}
