/**
 * npm run benchmark-model -- --model ID|NAME|NAME@VERSION|production [--backend wasm|cpu|webgpu] [--runs N]
 * Measures a registered model version's latency (p50/p95/mean per image, cold load) and
 * throughput at batch sizes 1, 2, 4 and 8 on this machine, stores them as LatencyBenchmark rows
 * (what every training job does on a small budget when it ends) and prints them. Default backend
 * wasm. Exit code 0 on success, 1 on failure, 2 on usage errors.
 */
import { parseArgs } from "node:util";
import { bestThroughput } from "@/lib/domain/benchmark-table";
import { selectNodeBackend, type NodeBackend } from "@/lib/detection/tf/node-backend";
import { db } from "@/lib/server/platform/db";
import { benchmarkLatency, formatMs, formatRate } from "@/lib/server/models/latency-benchmark";
import { migrateDatabase } from "@/lib/server/platform/migrate";
import { findModelVersion } from "@/lib/server/models/model-registry";
import { blobStore } from "@/lib/server/platform/storage";
import { runCommand } from "./run-command";

const USAGE = "usage: npm run benchmark-model -- --model ID|NAME|NAME@VERSION|production [--backend wasm|cpu|webgpu] [--runs N]";
const BACKENDS: readonly NodeBackend[] = ["wasm", "cpu", "webgpu"];

async function main(): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({ options: { model: { type: "string" }, backend: { type: "string", default: "wasm" }, runs: { type: "string", default: "20" } } }));
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  if (!values.model) {
    console.error(`--model is required\n${USAGE}`);
    return 2;
  }
  const backend = values.backend as NodeBackend;
  if (!BACKENDS.includes(backend)) {
    console.error(`--backend must be one of ${BACKENDS.join(", ")}, not "${values.backend}"\n${USAGE}`);
    return 2;
  }
  const runs = Number(values.runs);
  if (!/^\d+$/.test(values.runs) || runs < 1 || runs > 10_000) {
    console.error(`--runs must be a whole number from 1 to 10000, not "${values.runs}"\n${USAGE}`);
    return 2;
  }
  await migrateDatabase();
  try {
    const version = await findModelVersion(values.model);
    if (!version) {
      console.error(`no model version "${values.model}"`);
      return 1;
    }
    const selection = await selectNodeBackend(backend);
    const rows = await benchmarkLatency(version.id, { store: blobStore(), backend: selection.backend, runs });
    const best = bestThroughput(rows);
    const size = version.sizeBytes === null ? "" : `, ${(version.sizeBytes / 1e6).toFixed(1)} MB`;
    const parameters = version.parameterCount === null ? "" : `, ${version.parameterCount.toLocaleString("en")} parameters`;
    console.log(`${version.name} v${version.version} (${version.inputSize} px${size}${parameters}) on ${selection.description}, ${rows[0]!.machine}`);
    console.log(`per image, ${runs} timed runs at batch 1 (fewer at larger batches), after warm-ups; p95 by nearest rank:`);
    printTable([
      ["batch", "p50 ms", "p95 ms", "mean ms", "img/s", "cold load ms", ""],
      ...rows.map((row) => [String(row.batchSize), formatMs(row.p50Ms), formatMs(row.p95Ms), formatMs(row.meanMs), formatRate(row.throughputIps!), row.coldLoadMs === null ? "" : formatMs(row.coldLoadMs), row === best ? "best throughput" : ""]),
    ]);
    console.log(`stored as latency benchmarks ${rows.map((row) => row.id).join(", ")}`);
    return 0;
  } finally {
    await db().$disconnect();
  }
}

function printTable(rows: string[][]): void {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  const line = (cells: string[]) => cells.map((cell, c) => (c === cells.length - 1 ? cell : cell.padStart(widths[c]!))).join("  ").trimEnd();
  console.log(line(rows[0]!));
  console.log(widths.map((w) => "─".repeat(w)).join("  ").trimEnd());
  for (const row of rows.slice(1)) console.log(line(row));
}

runCommand("benchmark-model", main);
