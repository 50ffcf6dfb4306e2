/**
 * npm run bench [-- WORD …]: speed figures of each capability, printed as one table (only the
 * suites whose names contain a given word, when words are given). Figures depend on the machine;
 * the row notes say what was measured. Targets live here, never in timed tests.
 */
import os from "node:os";
import type { BenchRow } from "../bench/bench-row";
import { accountsBenchmarks } from "../bench/accounts-bench";
import { browseBenchmarks } from "../bench/browse-bench";
import { browserBenchmarks } from "../bench/browser-bench";
import { browserOnnxBenchmarks } from "../bench/browser-onnx-bench";
import { datasetBenchmarks } from "../bench/dataset-bench";
import { editorBenchmarks } from "../bench/editor-bench";
import { evaluateBenchmarks } from "../bench/evaluate-bench";
import { monitoringBenchmarks } from "../bench/monitoring-bench";
import { onnxBenchmarks } from "../bench/onnx-bench";
import { servingBenchmarks } from "../bench/serving-bench";
import { trainingBenchmarks } from "../bench/training-bench";
import { qualityBenchmarks } from "../bench/quality-bench";

const suites: Array<[string, () => Promise<BenchRow[]>]> = [
  ["datasets", datasetBenchmarks],
  ["import and browse at scale", browseBenchmarks],
  ["the editor in Chromium", editorBenchmarks],
  ["accounts", accountsBenchmarks],
  ["evaluation metrics", evaluateBenchmarks],
  ["training and inference (TF.js)", trainingBenchmarks],
  ["onnx vs TF.js on the server (the same network)", onnxBenchmarks],
  ["drift monitoring at scale, predict in process", monitoringBenchmarks],
  ["serving over HTTP: 1 and 16 clients, 1 and N inference threads", servingBenchmarks],
  ["in-browser inference (Chromium: webgpu, webgl, wasm)", browserBenchmarks],
  ["browser-onnx: onnx vs TF.js in Chromium (the same network)", browserOnnxBenchmarks],
];
/** Suites run only when named: the recipe bench trains k models per detector family (an hour or more on 2 cores). */
const optIn: Array<[string, () => Promise<BenchRow[]>]> = [["quality: k-fold recipe bench on a real dataset", qualityBenchmarks]];

console.log(`Masklab benchmarks on ${os.cpus()[0]?.model ?? "unknown CPU"} × ${os.cpus().length}, node ${process.version}`);
const words = process.argv.slice(2).map((w) => w.toLowerCase());
const chosen = words.length === 0 ? suites : [...suites, ...optIn].filter(([name]) => words.some((w) => name.includes(w)));
if (chosen.length === 0) {
  console.error(`no benchmark suite matches ${words.join(", ")}; suites: ${[...suites, ...optIn].map(([name]) => name).join("; ")}`);
  process.exit(2);
}
const rows: BenchRow[] = [];
for (const [name, suite] of chosen) {
  process.stdout.write(`running ${name} …\n`);
  rows.push(...(await suite()));
}
printTable(rows);

function printTable(table: BenchRow[]): void {
  const header: BenchRow = { benchmark: "benchmark", value: "value", unit: "unit", notes: "notes" };
  const all = [header, ...table].map((r) => [r.benchmark, String(r.value), r.unit, r.notes]);
  const widths = [0, 1, 2, 3].map((c) => Math.max(...all.map((r) => r[c]!.length)));
  const line = (cells: string[]) => cells.map((cell, c) => (c === 1 ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!))).join("  ");
  console.log(line(all[0]!));
  console.log(widths.map((w) => "─".repeat(w)).join("  "));
  for (const r of all.slice(1)) console.log(line(r));
}
