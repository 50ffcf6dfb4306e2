import { describe, expect, it } from "vitest";
import { BENCHMARK_COLUMN_GROUPS, visibleBenchmarkColumns, benchmarkColumns, bestThroughput, benchmarkCsv, benchmarkMarkdown, bestRowsPerColumn, formatCell, sortBenchmarkRows, type BenchmarkRow } from "./benchmark-table";

const row = (id: string, extra: Partial<BenchmarkRow>): BenchmarkRow => ({
  key: id,
  modelVersionId: `m-${id}`,
  evaluationId: id,
  model: `model-${id} v1`,
  kind: "one_stage",
  stage: "candidate",
  dataset: "dev",
  datasetId: "d1",
  split: "test",
  images: 64,
  mAP50: 0.5,
  mAP50to95: 0.25,
  perClassAP50: { with_mask: 0.8, mask_weared_incorrect: 0.1 },
  atThreshold: { threshold: 0.25, precision: 0.7, recall: 0.6, f1: 0.646 },
  bestF1: { threshold: 0.4, precision: 0.8, recall: 0.6, f1: 0.686 },
  accuracy: 0.8,
  latency: [],
  sizeBytes: 3_000_000,
  parameterCount: 1_500_000,
  inputSize: 416,
  trainingSeconds: 1500,
  maskJudge: null,
  evaluatedAt: "2026-12-01T00:00:00.000Z",
  source: null,
  broughtInBy: null,
  ...extra,
});

describe("the benchmark table", () => {
  const a = row("a", { mAP50: 0.6, perClassAP50: { with_mask: 0.8, mask_weared_incorrect: -1 }, latency: [{ backend: "wasm (node)", p50Ms: 170, p95Ms: 190, throughputIps: 6, throughputBatch: 4, machine: "x" }] });
  const b = row("b", { mAP50: 0.5251, model: "model-b v2", latency: [{ backend: "wasm (node)", p50Ms: 350, p95Ms: 400, throughputIps: 3, throughputBatch: 8, machine: "x" }] });
  const c = row("c", { mAP50: 0.5249, sizeBytes: null, bestF1: null });
  const rows = [a, b, c];
  const columns = benchmarkColumns(rows);
  const column = (key: string) => columns.find((col) => col.key === key)!;

  it("has a column per class seen and per latency backend measured", () => {
    expect(columns.map((col) => col.key)).toEqual(expect.arrayContaining(["AP50:with_mask", "AP50:mask_weared_incorrect", "p50:wasm (node)", "p95:wasm (node)", "ips:wasm (node)"]));
  });

  it("names class columns for people and lets a reader hide column groups but never the summary", () => {
    expect(column("AP50:with_mask").header).toBe("AP50 With mask");
    expect(new Set(columns.map((col) => col.group))).toEqual(new Set(BENCHMARK_COLUMN_GROUPS));
    const narrow = visibleBenchmarkColumns(columns, new Set(BENCHMARK_COLUMN_GROUPS));
    expect(narrow.map((col) => col.key)).toEqual(["model", "kind", "stage", "mAP50", "mAP50to95", "maskJudge"]);
    const withoutLatency = visibleBenchmarkColumns(columns, new Set(["latency"] as const));
    expect(withoutLatency.some((col) => col.key.startsWith("p50:"))).toBe(false);
    expect(withoutLatency.some((col) => col.key === "AP50:with_mask")).toBe(true);
  });

  it("says whether each model judges masks: on, left out on val, or none trained", () => {
    const judged = [row("on", { maskJudge: "on" }), row("out", { maskJudge: "left out" }), row("none", {})];
    const maskJudge = benchmarkColumns(judged).find((col) => col.key === "maskJudge")!;
    expect(maskJudge.group).toBe("summary");
    expect(judged.map((r) => formatCell(maskJudge, r))).toEqual(["on", "left out", "–"]);
  });

  it("marks the best value per column by its direction, comparing values as shown", () => {
    const best = bestRowsPerColumn(rows, columns);
    expect([...best.get("mAP50")!]).toEqual(["a"]);
    expect([...best.get("p50:wasm (node)")!]).toEqual(["a"]); // lower is better; c has no figure
    expect(best.has("sizeMB")).toBe(false); // a and b tie at 3.00 MB, c has none: a full tie has no best
    expect([...bestRowsPerColumn([a, b, row("d", { mAP50: 0.6 })], columns).get("mAP50")!]).toEqual(["a", "d"]); // a tie at the top marks both
    // AP50 of the rare class: a's −1 (no labels) is no value, b and c tie at 0.100 → all tie, no best
    expect(best.has("AP50:mask_weared_incorrect")).toBe(false);
    // 0.5251 and 0.5249 both read 0.525: rounding to the shown digits makes them a tie below a
    expect(formatCell(column("mAP50"), b)).toBe(formatCell(column("mAP50"), c));
  });

  it("sorts either way with rows lacking a value last", () => {
    expect(sortBenchmarkRows(rows, column("mAP50"), "desc").map((r) => r.evaluationId)).toEqual(["a", "b", "c"]);
    expect(sortBenchmarkRows(rows, column("mAP50"), "asc").map((r) => r.evaluationId)).toEqual(["c", "b", "a"]);
    expect(sortBenchmarkRows(rows, column("sizeMB"), "asc").map((r) => r.evaluationId)).toEqual(["a", "b", "c"]);
    expect(sortBenchmarkRows(rows, column("bestF1"), "asc").map((r) => r.evaluationId)).toEqual(["a", "b", "c"]);
    expect(sortBenchmarkRows(rows, column("model"), "desc").map((r) => r.evaluationId)).toEqual(["c", "b", "a"]);
  });

  it("exports CSV with RFC 4180 quoting and empty cells for no value", () => {
    const quoted = row("q", { model: 'odd, "name"', sizeBytes: null });
    const csv = benchmarkCsv([quoted]).split("\r\n");
    expect(csv[0]).toContain("Model,Kind,Stage,mAP50,mAP50-95,Mask judge");
    expect(csv[1]!.startsWith('"odd, ""name""",one_stage,candidate,0.500,0.250,,')).toBe(true);
    expect(csv[1]).toContain(",,416,1.50,25.0,64,trained here,,dev,test"); // size empty, 416 px, params 1.50 M, 25 min of training
  });

  it("exports Markdown with the best values in bold and pipes escaped", () => {
    const md = benchmarkMarkdown([a, row("p", { model: "a|b v1", mAP50: 0.4 })]).split("\n");
    expect(md[0]).toMatch(/^\| Model +\| Kind/);
    expect(md[2]).toContain("| **0.600** |");
    expect(md[3]).toContain("a\\|b v1");
  });
});

describe("bestThroughput", () => {
  it("is the run of highest throughput, the smaller batch on a tie, and none without figures", () => {
    const runs = [
      { batchSize: 8, throughputIps: 5.5 },
      { batchSize: 1, throughputIps: 5.4 },
      { batchSize: 2, throughputIps: 5.7 },
      { batchSize: 4, throughputIps: 5.7 },
    ];
    expect(bestThroughput(runs)).toBe(runs[2]);
    expect(bestThroughput([...runs].reverse())).toBe(runs[2]);
    expect(bestThroughput([{ batchSize: 1, throughputIps: null }])).toBeUndefined();
  });
});
