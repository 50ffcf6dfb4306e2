"use client";

import Link from "next/link";
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { ChartBin, DatasetStatistics } from "@/lib/contracts/http/datasets";
import { classColor } from "@/lib/domain/classes";

function BinChart({ title, bins, color = "#2457c5" }: { title: string; bins: ChartBin[]; color?: string }) {
  return (
    <figure className="chart">
      <figcaption>{title}</figcaption>
      <ResponsiveContainer width="100%" height={220}>
        <BarChart data={bins} margin={{ top: 8, right: 8, bottom: 8, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" vertical={false} />
          <XAxis dataKey="label" fontSize={11} interval={0} angle={-30} textAnchor="end" height={50} />
          <YAxis allowDecimals={false} fontSize={11} />
          <Tooltip />
          <Bar dataKey="count" fill={color} isAnimationActive={false} />
        </BarChart>
      </ResponsiveContainer>
    </figure>
  );
}

/** The statistics page: tables carry the exact numbers, charts the shape. */
export function DatasetStatsCharts({ datasetId, stats }: { datasetId: string; stats: DatasetStatistics }) {
  const perSplit = stats.splits.map((s) => ({ split: s.split, ...s.boxesPerClass }));
  return (
    <div className="stats-page">
      <section>
        <h2>Classes per split</h2>
        <table className="table" aria-label="Class counts per split">
          <thead>
            <tr>
              <th scope="col">Split</th>
              <th scope="col" className="num">
                Images
              </th>
              {stats.classes.map((c) => (
                <th key={c} scope="col" className="num">
                  {c}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {stats.splits.map((s) => (
              <tr key={s.split}>
                <th scope="row">{s.split}</th>
                <td className="num">{s.images}</td>
                {stats.classes.map((c) => (
                  <td key={c} className="num">
                    {s.boxesPerClass[c] ?? 0}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
        <figure className="chart">
          <figcaption>Boxes per class in each split</figcaption>
          <ResponsiveContainer width="100%" height={240}>
            <BarChart data={perSplit} margin={{ top: 8, right: 8, bottom: 8, left: 0 }}>
              <CartesianGrid strokeDasharray="3 3" vertical={false} />
              <XAxis dataKey="split" fontSize={12} />
              <YAxis allowDecimals={false} fontSize={11} />
              <Tooltip />
              <Legend />
              {stats.classes.map((c) => (
                <Bar key={c} dataKey={c} stackId="classes" fill={classColor(c)} isAnimationActive={false} />
              ))}
            </BarChart>
          </ResponsiveContainer>
        </figure>
      </section>
      <section className="chart-grid">
        <BinChart title="Boxes per image (images)" bins={stats.boxesPerImage} />
        <BinChart title="Box size, √area (boxes)" bins={stats.boxSizes} color="#1b9e77" />
        <BinChart title="Image width (images)" bins={stats.imageWidths} color="#7570b3" />
        <BinChart title="Image height (images)" bins={stats.imageHeights} color="#7570b3" />
      </section>
      <p className="muted">
        COCO area ranges: small (&lt; 32² px) {stats.cocoAreaRanges.small}, medium {stats.cocoAreaRanges.medium}, large (≥ 96² px) {stats.cocoAreaRanges.large}.
      </p>
      <section>
        <h2>Verification summary</h2>
        {stats.issues.length === 0 ? (
          <p className="muted">No findings in any import.</p>
        ) : (
          <table className="table" aria-label="Verification summary">
            <thead>
              <tr>
                <th scope="col">Severity</th>
                <th scope="col">Finding</th>
                <th scope="col" className="num">
                  Count
                </th>
                <th scope="col">Images</th>
              </tr>
            </thead>
            <tbody>
              {stats.issues.map((i) => (
                <tr key={`${i.severity}-${i.code}`}>
                  <td>
                    <span className={`sev sev-${i.severity}`}>{i.severity}</span>
                  </td>
                  <td>{i.code}</td>
                  <td className="num">{i.count}</td>
                  <td>
                    <Link href={`/datasets/${datasetId}?issue=${encodeURIComponent(i.code)}`}>show images</Link>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </div>
  );
}
