"use client";

import Link from "next/link";
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { ChartBin, DatasetStatistics } from "@/lib/contracts/http/datasets";
import { classColor, classLabel } from "@/lib/domain/classes";
import { formatNumber } from "@/lib/presentation/format";
import { SPLIT_WORDS } from "@/lib/presentation/status-words";
import { wordOf } from "@/lib/presentation/word-of";

/** Series that are not classes (sizes, counts) share one neutral colour, so a hue always means a class. */
const NEUTRAL_SERIES = "#64748b";

const countTick = (value: number) => formatNumber(value);
const countTooltip = (value: unknown) => (typeof value === "number" ? formatNumber(value) : String(value));

function BinChart({ title, bins }: { title: string; bins: ChartBin[] }) {
  return (
    <figure className="chart">
      <figcaption>{title}</figcaption>
      <ResponsiveContainer width="100%" height={220}>
        <BarChart data={bins} margin={{ top: 8, right: 8, bottom: 8, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" vertical={false} />
          <XAxis dataKey="label" fontSize={11} interval={0} angle={-30} textAnchor="end" height={50} />
          <YAxis allowDecimals={false} fontSize={11} tickFormatter={countTick} />
          <Tooltip formatter={countTooltip} />
          <Bar dataKey="count" name="Count" fill={NEUTRAL_SERIES} isAnimationActive={false} />
        </BarChart>
      </ResponsiveContainer>
    </figure>
  );
}

/** The statistics page: tables carry the exact numbers, charts the shape. */
export function DatasetStatsCharts({ datasetId, stats }: { datasetId: string; stats: DatasetStatistics }) {
  const perSplit = stats.splits.map((s) => ({ split: wordOf(SPLIT_WORDS, s.split).label, ...s.boxesPerClass }));
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
                  {classLabel(c)}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {stats.splits.map((s) => (
              <tr key={s.split}>
                <th scope="row">{wordOf(SPLIT_WORDS, s.split).label}</th>
                <td className="num">{formatNumber(s.images)}</td>
                {stats.classes.map((c) => (
                  <td key={c} className="num">
                    {formatNumber(s.boxesPerClass[c] ?? 0)}
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
              <YAxis allowDecimals={false} fontSize={11} tickFormatter={countTick} />
              <Tooltip formatter={countTooltip} />
              <Legend />
              {stats.classes.map((c) => (
                <Bar key={c} dataKey={c} name={classLabel(c)} stackId="classes" fill={classColor(c)} isAnimationActive={false} />
              ))}
            </BarChart>
          </ResponsiveContainer>
        </figure>
      </section>
      <section className="chart-grid">
        <BinChart title="Boxes per image (images)" bins={stats.boxesPerImage} />
        <BinChart title="Box size, √area (boxes)" bins={stats.boxSizes} />
        <BinChart title="Image width (images)" bins={stats.imageWidths} />
        <BinChart title="Image height (images)" bins={stats.imageHeights} />
      </section>
      <p className="muted">
        COCO area ranges: small (&lt; 32² px) {formatNumber(stats.cocoAreaRanges.small)}, medium {formatNumber(stats.cocoAreaRanges.medium)}, large (≥ 96² px) {formatNumber(stats.cocoAreaRanges.large)}.
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
                  <td className="num">{formatNumber(i.count)}</td>
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
