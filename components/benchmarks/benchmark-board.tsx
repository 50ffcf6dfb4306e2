"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useMemo, useState } from "react";
import { benchmarkColumns, benchmarkCsv, benchmarkMarkdown, bestRowsPerColumn, formatCell, sortBenchmarkRows, type BenchmarkRow } from "@/lib/domain/benchmark-table";
import { PromoteButton } from "../promote-button";
import { CompareCurves } from "./compare-curves";

export interface BenchmarkScope {
  datasetId: string;
  dataset: string;
  split: string;
}

/**
 * The model comparison table: sortable by any column, the best value of each column marked,
 * rows ticked for the curve comparison below, and the same table downloadable as CSV/Markdown.
 */
export function BenchmarkBoard({ rows, scopes, filter, canPromote }: { rows: BenchmarkRow[]; scopes: BenchmarkScope[]; filter: { datasetId?: string; split?: string }; canPromote: boolean }) {
  const router = useRouter();
  const columns = useMemo(() => benchmarkColumns(rows), [rows]);
  const best = useMemo(() => bestRowsPerColumn(rows, columns), [rows, columns]);
  const [sort, setSort] = useState<{ key: string; direction: "asc" | "desc" } | null>(null);
  const [compared, setCompared] = useState<string[]>(() => rows.flatMap((r) => (r.evaluationId ? [r.evaluationId] : [])).slice(0, 3));
  const sorted = useMemo(() => {
    const column = columns.find((c) => c.key === sort?.key);
    return column && sort ? sortBenchmarkRows(rows, column, sort.direction) : rows;
  }, [rows, columns, sort]);

  const datasets = [...new Map(scopes.map((s) => [s.datasetId, s.dataset])).entries()];
  const splits = [...new Set(scopes.map((s) => s.split))];
  const applyFilter = (next: { datasetId?: string; split?: string }) => {
    const params = new URLSearchParams();
    if (next.datasetId) params.set("dataset", next.datasetId);
    if (next.split) params.set("split", next.split);
    router.push(`/models${params.size ? `?${params}` : ""}`);
  };

  return (
    <>
      <div className="toolbar">
        <label>
          Dataset{" "}
          <select value={filter.datasetId ?? ""} onChange={(e) => applyFilter({ ...filter, datasetId: e.target.value || undefined })}>
            <option value="">all</option>
            {datasets.map(([id, name]) => (
              <option key={id} value={id}>
                {name}
              </option>
            ))}
          </select>
        </label>
        <label>
          Split{" "}
          <select value={filter.split ?? ""} onChange={(e) => applyFilter({ ...filter, split: e.target.value || undefined })}>
            <option value="">all</option>
            {splits.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <span className="spacer" />
        <button type="button" className="secondary" onClick={() => download("masklab-benchmark.csv", "text/csv", benchmarkCsv(sorted, columns))}>
          Export CSV
        </button>
        <button type="button" className="secondary" onClick={() => download("masklab-benchmark.md", "text/markdown", benchmarkMarkdown(sorted, columns))}>
          Export Markdown
        </button>
      </div>
      <div className="table-scroll">
        <table className="table benchmark" aria-label="Model benchmark">
          <thead>
            <tr>
              <th scope="col">Compare</th>
              {columns.map((c) => {
                const active = sort?.key === c.key;
                return (
                  <th key={c.key} scope="col" className={c.digits !== undefined ? "num" : undefined} aria-sort={active ? (sort!.direction === "asc" ? "ascending" : "descending") : "none"}>
                    <button
                      type="button"
                      className="sort"
                      onClick={() => setSort({ key: c.key, direction: active && sort!.direction === "desc" ? "asc" : "desc" })}
                    >
                      {c.header}
                      <span aria-hidden="true">{active ? (sort!.direction === "asc" ? " ▲" : " ▼") : ""}</span>
                    </button>
                  </th>
                );
              })}
              {canPromote ? <th scope="col">Serving</th> : null}
            </tr>
          </thead>
          <tbody>
            {sorted.map((row) => (
              <tr key={row.key}>
                <td>
                  {row.evaluationId ? (
                    <input
                      type="checkbox"
                      aria-label={`compare ${row.model}`}
                      checked={compared.includes(row.evaluationId)}
                      onChange={(e) => setCompared((ids) => (e.target.checked ? [...ids, row.evaluationId!] : ids.filter((id) => id !== row.evaluationId)))}
                    />
                  ) : (
                    <span className="muted small">not evaluated</span>
                  )}
                </td>
                {columns.map((c) => {
                  const isBest = best.get(c.key)?.has(row.key) ?? false;
                  const text = formatCell(c, row);
                  return (
                    <td key={c.key} className={[c.digits !== undefined ? "num" : "", isBest ? "best" : ""].join(" ").trim() || undefined} title={isBest ? "best in this column" : undefined}>
                      {c.key === "model" && row.evaluationId ? <Link href={`/models/evaluations/${row.evaluationId}`}>{text}</Link> : text}
                      {isBest ? <span className="visually-hidden"> (best)</span> : null}
                    </td>
                  );
                })}
                {canPromote ? <td>{row.stage === "production" ? <span className="badge">in production</span> : <PromoteButton modelId={row.modelVersionId} label={row.model} />}</td> : null}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <CompareCurves evaluationIds={compared} labels={Object.fromEntries(rows.flatMap((r) => (r.evaluationId ? [[r.evaluationId, `${r.model} (${r.dataset} ${r.split})`]] : [])))} />
    </>
  );
}

function download(fileName: string, type: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: `${type};charset=utf-8` }));
  const link = document.createElement("a");
  link.href = url;
  link.download = fileName;
  link.click();
  URL.revokeObjectURL(url);
}
