import { markdownTable } from "markdown-table";
import { classLabel } from "./classes";
import Papa from "papaparse";

/**
 * The benchmark table ML leads pick a model from: one row per model version evaluated on a
 * dataset's split, its columns, which value of each is best, sorting, and CSV / Markdown export.
 * Pure: the server builds the rows, the page and the exports read them through here, so the
 * table on screen and the exported files can never disagree.
 */
export interface BenchmarkOperatingPoint {
  threshold: number;
  precision: number;
  recall: number;
  f1: number;
}

export interface BenchmarkLatency {
  /** e.g. "wasm (node)": backend and runtime, the column group it fills */
  backend: string;
  p50Ms: number;
  p95Ms: number;
  /** best throughput measured, images/s, and the batch size it was measured at */
  throughputIps: number | null;
  throughputBatch: number | null;
  machine: string;
}

export interface BenchmarkRow {
  /** unique per row: the evaluation's id, or the model version's for one not evaluated */
  key: string;
  modelVersionId: string;
  /** null: the model version has no evaluation on the filtered split (its figures are −1) */
  evaluationId: string | null;
  model: string;
  kind: string;
  stage: string;
  dataset: string;
  datasetId: string;
  split: string;
  images: number;
  mAP50: number;
  mAP50to95: number;
  /** AP50 per class (COCO, 101-point), −1 where the split has no box of the class */
  perClassAP50: Record<string, number>;
  /** micro-averaged over classes at the operating threshold (serving's score threshold) */
  atThreshold: BenchmarkOperatingPoint;
  /** micro-averaged at the threshold that maximises F1 on this split */
  bestF1: BenchmarkOperatingPoint | null;
  /** image-level accuracy of "has an unmasked or badly masked face" at the operating threshold */
  accuracy: number;
  latency: BenchmarkLatency[];
  sizeBytes: number | null;
  parameterCount: number | null;
  /** the input size it detects at (masklab.json's); null for results scored from a file (Masklab never sized their images) */
  inputSize: number | null;
  trainingSeconds: number | null;
  /** the model's mask judge: "on" (it gives the classes), "left out" (trained, then dropped on val), null (none trained) */
  maskJudge: "on" | "left out" | null;
  evaluatedAt: string | null;
  /** where a model brought in came from (its uploader's words or file); null: trained here */
  source: string | null;
  /** the name of who brought it in; null: trained here, or the account is gone */
  broughtInBy: string | null;
}

/**
 * Columns come in groups a reader can show or hide together: the summary always shows; the table
 * is wider than a screen once per-class AP and latency per backend are in.
 */
export const BENCHMARK_COLUMN_GROUPS = ["summary", "per-class", "operating-point", "latency", "cost", "origin"] as const;
export type BenchmarkColumnGroup = (typeof BENCHMARK_COLUMN_GROUPS)[number];
export const BENCHMARK_COLUMN_GROUP_LABELS: Record<BenchmarkColumnGroup, string> = {
  summary: "Model and mAP",
  "per-class": "AP50 per class",
  "operating-point": "Precision, recall, F1, accuracy",
  latency: "Latency and throughput",
  cost: "Size, parameters, training time, images",
  origin: "Source and who brought it in",
};

export interface BenchmarkColumn {
  key: string;
  header: string;
  group: BenchmarkColumnGroup;
  /** null: no value (shown as a dash, never best) */
  value: (row: BenchmarkRow) => number | string | null;
  /** which way is better, for numeric columns that have a best value */
  better?: "higher" | "lower";
  /** digits shown and exported */
  digits?: number;
}

/** The latency run of highest throughput (ties: the smaller batch); undefined when none has one. */
export function bestThroughput<T extends { batchSize: number; throughputIps: number | null }>(rows: readonly T[]): T | undefined {
  let best: T | undefined;
  for (const row of rows) {
    if (row.throughputIps === null) continue;
    if (!best || row.throughputIps > best.throughputIps! || (row.throughputIps === best.throughputIps && row.batchSize < best.batchSize)) best = row;
  }
  return best;
}

const defined = (value: number | null | undefined): number | null => (value === null || value === undefined || value < 0 || !Number.isFinite(value) ? null : value);

/** The columns of a set of rows: per-class AP for every class present, latency per backend measured. */
export function benchmarkColumns(rows: readonly BenchmarkRow[]): BenchmarkColumn[] {
  const classes = [...new Set(rows.flatMap((r) => Object.keys(r.perClassAP50)))];
  const backends = [...new Set(rows.flatMap((r) => r.latency.map((l) => l.backend)))].sort();
  return [
    { key: "model", group: "summary", header: "Model", value: (r) => r.model },
    { key: "kind", group: "summary", header: "Kind", value: (r) => r.kind },
    { key: "stage", group: "summary", header: "Stage", value: (r) => r.stage },
    { key: "mAP50", group: "summary", header: "mAP50", value: (r) => defined(r.mAP50), better: "higher", digits: 3 },
    { key: "mAP50to95", group: "summary", header: "mAP50-95", value: (r) => defined(r.mAP50to95), better: "higher", digits: 3 },
    { key: "maskJudge", group: "summary", header: "Mask judge", value: (r) => r.maskJudge },
    ...classes.map((c): BenchmarkColumn => ({ key: `AP50:${c}`, group: "per-class", header: `AP50 ${classLabel(c)}`, value: (r) => defined(r.perClassAP50[c]), better: "higher", digits: 3 })),
    { key: "precision", group: "operating-point", header: "P @ op", value: (r) => defined(r.atThreshold.precision), better: "higher", digits: 3 },
    { key: "recall", group: "operating-point", header: "R @ op", value: (r) => defined(r.atThreshold.recall), better: "higher", digits: 3 },
    { key: "f1", group: "operating-point", header: "F1 @ op", value: (r) => defined(r.atThreshold.f1), better: "higher", digits: 3 },
    { key: "bestF1", group: "operating-point", header: "best F1", value: (r) => defined(r.bestF1?.f1), better: "higher", digits: 3 },
    { key: "bestF1Threshold", group: "operating-point", header: "best-F1 conf", value: (r) => defined(r.bestF1?.threshold), digits: 3 },
    { key: "accuracy", group: "operating-point", header: "Image acc", value: (r) => defined(r.accuracy), better: "higher", digits: 3 },
    ...backends.flatMap((b): BenchmarkColumn[] => [
      { key: `p50:${b}`, group: "latency", header: `p50 ms ${b}`, value: (r) => defined(r.latency.find((l) => l.backend === b)?.p50Ms), better: "lower", digits: 1 },
      { key: `p95:${b}`, group: "latency", header: `p95 ms ${b}`, value: (r) => defined(r.latency.find((l) => l.backend === b)?.p95Ms), better: "lower", digits: 1 },
      { key: `ips:${b}`, group: "latency", header: `img/s ${b}`, value: (r) => defined(r.latency.find((l) => l.backend === b)?.throughputIps), better: "higher", digits: 1 },
    ]),
    { key: "sizeMB", group: "cost", header: "Size MB", value: (r) => (r.sizeBytes === null ? null : r.sizeBytes / 1e6), better: "lower", digits: 2 },
    { key: "inputSize", group: "cost", header: "Input px", value: (r) => r.inputSize },
    { key: "params", group: "cost", header: "Params M", value: (r) => (r.parameterCount === null ? null : r.parameterCount / 1e6), better: "lower", digits: 2 },
    { key: "trainingMin", group: "cost", header: "Train min", value: (r) => (r.trainingSeconds === null ? null : r.trainingSeconds / 60), better: "lower", digits: 1 },
    { key: "images", group: "cost", header: "Test images", value: (r) => r.images },
    { key: "source", group: "origin", header: "Source", value: (r) => r.source ?? "trained here" },
    { key: "broughtInBy", group: "origin", header: "Brought in by", value: (r) => r.broughtInBy },
  ];
}

/** The columns a reader chose: the summary always, other groups unless hidden. */
export function visibleBenchmarkColumns(columns: readonly BenchmarkColumn[], hidden: ReadonlySet<BenchmarkColumnGroup>): BenchmarkColumn[] {
  return columns.filter((column) => column.group === "summary" || !hidden.has(column.group));
}

/** A cell as shown and exported: fixed digits, a dash for no value. */
export function formatCell(column: BenchmarkColumn, row: BenchmarkRow): string {
  const value = column.value(row);
  if (value === null) return "–";
  return typeof value === "number" && column.digits !== undefined ? value.toFixed(column.digits) : String(value);
}

/**
 * Per column with a direction, the keys of the rows holding its best value (several on a tie).
 * Values are compared as shown (rounded to the column's digits), so a highlight never separates
 * two figures that read the same. A column where every row ties, or only one row has a value,
 * has no best.
 */
export function bestRowsPerColumn(rows: readonly BenchmarkRow[], columns: readonly BenchmarkColumn[]): Map<string, Set<string>> {
  const best = new Map<string, Set<string>>();
  for (const column of columns) {
    if (!column.better) continue;
    const shown = rows
      .map((row) => ({ id: row.key, value: column.value(row) }))
      .filter((c): c is { id: string; value: number } => typeof c.value === "number")
      .map((c) => ({ id: c.id, value: Number(c.value.toFixed(column.digits ?? 6)) }));
    if (shown.length < 2) continue;
    const target = column.better === "higher" ? Math.max(...shown.map((c) => c.value)) : Math.min(...shown.map((c) => c.value));
    const winners = shown.filter((c) => c.value === target);
    if (winners.length === shown.length) continue;
    best.set(column.key, new Set(winners.map((c) => c.id)));
  }
  return best;
}

/** Rows sorted by a column; rows without a value go last either way. Stable. */
export function sortBenchmarkRows(rows: readonly BenchmarkRow[], column: BenchmarkColumn, direction: "asc" | "desc"): BenchmarkRow[] {
  const sign = direction === "asc" ? 1 : -1;
  return rows
    .map((row, index) => ({ row, index, value: column.value(row) }))
    .sort((a, b) => {
      if (a.value === null || b.value === null) return a.value === b.value ? a.index - b.index : a.value === null ? 1 : -1;
      const order = typeof a.value === "number" && typeof b.value === "number" ? a.value - b.value : String(a.value).localeCompare(String(b.value));
      return order === 0 ? a.index - b.index : sign * order;
    })
    .map((entry) => entry.row);
}

/** The table as CSV (RFC 4180 quoting by Papa Parse), values as shown on screen but empty for no value. */
export function benchmarkCsv(rows: readonly BenchmarkRow[], columns: readonly BenchmarkColumn[] = benchmarkColumns(rows)): string {
  return Papa.unparse({
    fields: [...columns.map((c) => c.header), "Dataset", "Split"],
    data: rows.map((row) => [...columns.map((c) => (c.value(row) === null ? "" : formatCell(c, row))), row.dataset, row.split]),
  });
}

/** The table as a GitHub-flavoured Markdown table, best values in bold. */
export function benchmarkMarkdown(rows: readonly BenchmarkRow[], columns: readonly BenchmarkColumn[] = benchmarkColumns(rows)): string {
  const best = bestRowsPerColumn(rows, columns);
  const cells = rows.map((row) =>
    columns.map((c) => {
      const text = formatCell(c, row).replaceAll("|", "\\|");
      return best.get(c.key)?.has(row.key) ? `**${text}**` : text;
    }),
  );
  return markdownTable([columns.map((c) => c.header), ...cells], { align: columns.map((c) => (c.digits !== undefined ? "r" : "l")) });
}
