"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useEffect, useMemo, useState } from "react";
import { DropdownMenu } from "radix-ui";
import {
  BENCHMARK_COLUMN_GROUP_LABELS,
  BENCHMARK_COLUMN_GROUPS,
  benchmarkColumns,
  benchmarkCsv,
  benchmarkMarkdown,
  bestRowsPerColumn,
  formatCell,
  sortBenchmarkRows,
  visibleBenchmarkColumns,
  type BenchmarkColumnGroup,
  type BenchmarkRow,
} from "@/lib/domain/benchmark-table";
import { isOneOf, MODEL_STAGES, SPLITS } from "@/lib/domain/states";
import { MODEL_STAGE_WORDS, SPLIT_WORDS } from "@/lib/presentation/status-words";
import { Checkbox } from "../ui/checkbox";
import { Select } from "../ui/select";
import { StatePill } from "../ui/state-pill";
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
 * It is wider than a screen, so it scrolls inside its card with the model column pinned left and
 * the promote column pinned right, and column groups can be hidden.
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

  const options = (values: Array<[string, string]>) => [{ value: "", label: "All" }, ...values.map(([value, label]) => ({ value, label }))];
  const [hidden, setHidden] = useHiddenGroups();
  const shown = useMemo(() => visibleBenchmarkColumns(columns, hidden), [columns, hidden]);
  const production = rows.find((row) => row.stage === "production")?.model ?? null;

  return (
    <>
      <div className="toolbar">
        <Select label="Dataset" value={filter.datasetId ?? ""} onValueChange={(value) => applyFilter({ ...filter, datasetId: value || undefined })} options={options(datasets)} />
        <Select label="Split" value={filter.split ?? ""} onValueChange={(value) => applyFilter({ ...filter, split: value || undefined })} options={options(splits.map((s) => [s, isOneOf(SPLITS, s) ? SPLIT_WORDS[s].label : s]))} />
        <span className="spacer" />
        <ColumnChooser hidden={hidden} onChange={setHidden} />
        <button type="button" className="secondary" onClick={() => download("masklab-benchmark.csv", "text/csv", benchmarkCsv(sorted, columns))}>
          Export CSV
        </button>
        <button type="button" className="secondary" onClick={() => download("masklab-benchmark.md", "text/markdown", benchmarkMarkdown(sorted, columns))}>
          Export Markdown
        </button>
      </div>
      <div className="table-card" role="region" aria-label="Model benchmark, scrolls sideways" tabIndex={0}>
        <table className="table benchmark" aria-label="Model benchmark">
          <thead>
            <tr>
              {shown.map((c) => {
                const active = sort?.key === c.key;
                return (
                  <th key={c.key} scope="col" className={[c.digits !== undefined ? "num" : "", c.key === "model" ? "sticky-start" : ""].join(" ").trim() || undefined} aria-sort={active ? (sort!.direction === "asc" ? "ascending" : "descending") : "none"}>
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
              {canPromote ? (
                <th scope="col" className="sticky-end">
                  Serving
                </th>
              ) : null}
            </tr>
          </thead>
          <tbody>
            {sorted.map((row) => (
              <tr key={row.key}>
                {shown.map((c) => {
                  const isBest = best.get(c.key)?.has(row.key) ?? false;
                  const text = formatCell(c, row);
                  if (c.key === "model") {
                    return (
                      <th key={c.key} scope="row" className="sticky-start">
                        <span className="model-cell">
                          {row.evaluationId ? (
                            <Checkbox
                              aria-label={`compare ${row.model}`}
                              checked={compared.includes(row.evaluationId)}
                              onCheckedChange={(checked) => setCompared((ids) => (checked ? [...ids, row.evaluationId!] : ids.filter((id) => id !== row.evaluationId)))}
                            />
                          ) : (
                            <span className="muted small" title="no evaluation on this split">–</span>
                          )}
                          {row.evaluationId ? <Link href={`/models/evaluations/${row.evaluationId}`}>{text}</Link> : text}
                        </span>
                      </th>
                    );
                  }
                  if (c.key === "stage") {
                    return <td key={c.key}>{isOneOf(MODEL_STAGES, row.stage) ? <StatePill word={MODEL_STAGE_WORDS[row.stage]} /> : row.stage}</td>;
                  }
                  return (
                    <td key={c.key} className={[c.digits !== undefined ? "num" : "", isBest ? "best" : ""].join(" ").trim() || undefined} title={isBest ? "best in this column" : undefined}>
                      {text}
                      {isBest ? <span className="visually-hidden"> (best)</span> : null}
                    </td>
                  );
                })}
                {canPromote ? (
                  <td className="sticky-end">
                    {row.stage === "production" ? (
                      <span className="muted small">serving now</span>
                    ) : row.stage === "external" ? (
                      // known only by its uploaded results: nothing to serve
                      <span className="muted small" title="scored from an uploaded results file: there is no model to serve">
                        results only
                      </span>
                    ) : (
                      <PromoteButton modelId={row.modelVersionId} label={row.model} replaces={production} />
                    )}
                  </td>
                ) : null}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <CompareCurves evaluationIds={compared} labels={Object.fromEntries(rows.flatMap((r) => (r.evaluationId ? [[r.evaluationId, `${r.model} (${r.dataset} ${r.split})`]] : [])))} />
    </>
  );
}

const HIDDEN_GROUPS_KEY = "masklab.benchmark.hiddenColumnGroups";

/** The column groups this browser hides, remembered between visits. */
function useHiddenGroups(): [ReadonlySet<BenchmarkColumnGroup>, (next: ReadonlySet<BenchmarkColumnGroup>) => void] {
  const [hidden, setHidden] = useState<ReadonlySet<BenchmarkColumnGroup>>(new Set());
  useEffect(() => {
    try {
      const stored = JSON.parse(localStorage.getItem(HIDDEN_GROUPS_KEY) ?? "[]") as unknown;
      if (Array.isArray(stored)) setHidden(new Set(stored.filter((g): g is BenchmarkColumnGroup => isOneOf(BENCHMARK_COLUMN_GROUPS, g))));
    } catch {
      // a damaged entry only means every group shows
    }
  }, []);
  const update = (next: ReadonlySet<BenchmarkColumnGroup>) => {
    setHidden(next);
    localStorage.setItem(HIDDEN_GROUPS_KEY, JSON.stringify([...next]));
  };
  return [hidden, update];
}

function ColumnChooser({ hidden, onChange }: { hidden: ReadonlySet<BenchmarkColumnGroup>; onChange: (next: ReadonlySet<BenchmarkColumnGroup>) => void }) {
  const optional = BENCHMARK_COLUMN_GROUPS.filter((g) => g !== "summary");
  const hiddenCount = optional.filter((g) => hidden.has(g)).length;
  return (
    <DropdownMenu.Root>
      <DropdownMenu.Trigger asChild>
        <button type="button" className="secondary">
          Columns{hiddenCount ? ` (${hiddenCount} hidden)` : ""} ▾
        </button>
      </DropdownMenu.Trigger>
      <DropdownMenu.Portal>
        <DropdownMenu.Content className="ui-select-content ui-menu" align="end" sideOffset={4}>
          <DropdownMenu.Label className="ui-menu-label">Show columns</DropdownMenu.Label>
          {optional.map((group) => (
            <DropdownMenu.CheckboxItem
              key={group}
              className="ui-select-item"
              checked={!hidden.has(group)}
              onSelect={(event) => event.preventDefault()}
              onCheckedChange={(checked) => {
                const next = new Set(hidden);
                if (checked) next.delete(group);
                else next.add(group);
                onChange(next);
              }}
            >
              {BENCHMARK_COLUMN_GROUP_LABELS[group]}
              <DropdownMenu.ItemIndicator className="ui-select-check">✓</DropdownMenu.ItemIndicator>
            </DropdownMenu.CheckboxItem>
          ))}
        </DropdownMenu.Content>
      </DropdownMenu.Portal>
    </DropdownMenu.Root>
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
