import { jobDurationMs } from "@/lib/domain/training-phases";
import { evaluationMetricsColumn, evaluationPerClassColumn } from "@/lib/contracts/stored/evaluation";
import { modelTrainingMetricsColumn } from "@/lib/contracts/stored/models";
import { parseStored } from "@/lib/contracts/stored/parse";
import { bestThroughput, type BenchmarkLatency, type BenchmarkRow } from "@/lib/domain/benchmark-table";
import { db as defaultDb, type Db } from "../platform/db";

/**
 * The benchmark table's rows: per model version, its newest evaluation on each dataset split it
 * was evaluated on (filtered by dataset and split when given), with its latency figures per
 * backend, size and training time; a version with no such evaluation gets one row without figures.
 */
export async function benchmarkRows(filter: { datasetId?: string; split?: string } = {}, database: Db = defaultDb()): Promise<BenchmarkRow[]> {
  const evaluations = await database.evaluation.findMany({
    // label audits (cross-validation, no single model) are not benchmark rows
    where: { datasetId: filter.datasetId, split: filter.split, modelVersionId: { not: null } },
    orderBy: { createdAt: "desc" },
    select: {
      id: true,
      split: true,
      datasetId: true,
      metrics: true,
      perClass: true,
      imageCount: true,
      createdAt: true,
      dataset: { select: { name: true } },
      modelVersion: {
        select: {
          id: true,
          name: true,
          version: true,
          kind: true,
          stage: true,
          sizeBytes: true,
          parameterCount: true,
          inputSize: true,
          trainingMetrics: true,
          trainingJob: TRAINING_JOB_TIMES,
          latencyRuns: LATENCY_RUNS,
          ...ORIGIN,
        },
      },
    },
  });
  const seen = new Set<string>();
  const rows: BenchmarkRow[] = [];
  for (const evaluation of evaluations) {
    const model = evaluation.modelVersion;
    if (!model) continue;
    const key = `${model.id}/${evaluation.datasetId}/${evaluation.split}`;
    if (seen.has(key)) continue; // newest first: older evaluations of the same pair are history
    seen.add(key);
    const metrics = parseStored(evaluationMetricsColumn, evaluation.metrics, evaluation.id);
    const perClass = parseStored(evaluationPerClassColumn, evaluation.perClass, evaluation.id);
    rows.push({
      key: evaluation.id,
      modelVersionId: model.id,
      evaluationId: evaluation.id,
      model: `${model.name} v${model.version}`,
      kind: model.kind,
      stage: model.stage,
      dataset: evaluation.dataset.name,
      datasetId: evaluation.datasetId,
      split: evaluation.split,
      images: evaluation.imageCount,
      mAP50: metrics.AP50,
      mAP50to95: metrics.AP,
      perClassAP50: Object.fromEntries(perClass.map((c) => [c.className, c.AP50])),
      atThreshold: pick(metrics.micro.atConfidence),
      bestF1: metrics.micro.bestF1 ? pick(metrics.micro.bestF1) : null,
      accuracy: metrics.imageAccuracy.accuracy,
      latency: latencyByBackend(model.latencyRuns),
      sizeBytes: model.sizeBytes,
      parameterCount: model.parameterCount,
      inputSize: inputSizeOf(model),
      ...trainingFactsOf(model),
      evaluatedAt: evaluation.createdAt.toISOString(),
      source: model.source,
      broughtInBy: model.createdBy?.name ?? null,
    });
  }
  // Versions never evaluated still belong in the table (to promote, or to see they were never
  // scored), with no figures; a split filter asks for that split's figures, so it leaves them out.
  const scored = new Set(rows.map((r) => r.modelVersionId));
  const unscored = filter.split ? [] : await database.modelVersion.findMany({
    where: { id: { notIn: [...scored] }, datasetId: filter.datasetId },
    select: { id: true, name: true, version: true, kind: true, stage: true, sizeBytes: true, parameterCount: true, inputSize: true, trainingMetrics: true, trainingJob: TRAINING_JOB_TIMES, datasetId: true, dataset: { select: { name: true } }, latencyRuns: LATENCY_RUNS, ...ORIGIN },
  });
  for (const model of unscored) {
    rows.push({
      key: model.id,
      modelVersionId: model.id,
      evaluationId: null,
      model: `${model.name} v${model.version}`,
      kind: model.kind,
      stage: model.stage,
      dataset: model.dataset.name,
      datasetId: model.datasetId,
      split: "not evaluated",
      images: 0,
      mAP50: -1,
      mAP50to95: -1,
      perClassAP50: {},
      atThreshold: { threshold: -1, precision: -1, recall: -1, f1: -1 },
      bestF1: null,
      accuracy: -1,
      latency: latencyByBackend(model.latencyRuns),
      sizeBytes: model.sizeBytes,
      parameterCount: model.parameterCount,
      inputSize: inputSizeOf(model),
      ...trainingFactsOf(model),
      evaluatedAt: null,
      source: model.source,
      broughtInBy: model.createdBy?.name ?? null,
    });
  }
  return rows.sort((a, b) => a.model.localeCompare(b.model, undefined, { numeric: true }));
}

const TRAINING_JOB_TIMES = { select: { startedAt: true, finishedAt: true } } as const;

/** Where a version came from: its source and who brought it in (models trained here have neither). */
const ORIGIN = { source: true, createdBy: { select: { name: true } } } as const;

/**
 * What a version's training says, its stored metrics parsed once: the training time as its job
 * page shows it (the job's wall time, start to end: data, features, epochs, evaluation, through
 * the one jobDurationMs; the epochs-only figure the trainer recorded is the fallback for a version
 * whose job is gone) and whether it judges masks (a judge trained and kept, or left out).
 */
function trainingFactsOf(model: { id: string; trainingMetrics: unknown; trainingJob: { startedAt: Date | null; finishedAt: Date | null } | null }): Pick<BenchmarkRow, "trainingSeconds" | "maskJudge"> {
  const metrics = parseStored(modelTrainingMetricsColumn, model.trainingMetrics, model.id);
  const wall = model.trainingJob ? jobDurationMs(model.trainingJob, Date.now()) : null;
  return {
    trainingSeconds: wall !== null ? wall / 1000 : (metrics?.trainingSeconds ?? null),
    maskJudge: metrics?.judge ? (metrics.judge.kept ? "on" : "left out") : null,
  };
}

/** The size a version detects at; none for results scored from a file (registered with 0: Masklab never sized their images). */
const inputSizeOf = (model: { inputSize: number }) => (model.inputSize > 0 ? model.inputSize : null);

const LATENCY_RUNS = { orderBy: { createdAt: "desc" }, select: { backend: true, runtime: true, machine: true, batchSize: true, p50Ms: true, p95Ms: true, throughputIps: true, createdAt: true } } as const;

const pick = (p: { threshold: number; precision: number; recall: number; f1: number }) => ({ threshold: p.threshold, precision: p.precision, recall: p.recall, f1: p.f1 });

/**
 * One latency entry per backend and runtime, from its newest benchmark run (a run stores one row
 * per batch size, batch 1 first): per-image p50/p95 at batch 1, and the best throughput over the
 * run's batch sizes.
 */
function latencyByBackend(runs: Array<{ backend: string; runtime: string; machine: string; batchSize: number; p50Ms: number; p95Ms: number; throughputIps: number | null; createdAt: Date }>): BenchmarkLatency[] {
  const groups = new Map<string, typeof runs>();
  for (const run of runs) {
    const key = `${run.backend} (${run.runtime})`;
    groups.set(key, [...(groups.get(key) ?? []), run]);
  }
  const result: BenchmarkLatency[] = [];
  for (const [backend, group] of groups) {
    const single = group.find((r) => r.batchSize === 1);
    if (!single) continue;
    const run = group.filter((r) => r.createdAt >= single.createdAt);
    const fastest = bestThroughput(run);
    result.push({ backend, p50Ms: single.p50Ms, p95Ms: single.p95Ms, throughputIps: fastest?.throughputIps ?? null, throughputBatch: fastest?.batchSize ?? null, machine: single.machine });
  }
  return result;
}

/** Datasets and splits that have evaluations: the benchmark page's filter options. */
export async function benchmarkScopes(database: Db = defaultDb()) {
  const pairs = await database.evaluation.findMany({ where: { modelVersionId: { not: null } }, distinct: ["datasetId", "split"], select: { datasetId: true, split: true, dataset: { select: { name: true } } } });
  return pairs.map((p) => ({ datasetId: p.datasetId, dataset: p.dataset.name, split: p.split }));
}

/** Cross-validation label audits, newest first: the Models page links them to their label issues. */
export async function listLabelAudits(database: Db = defaultDb()) {
  const audits = await database.evaluation.findMany({
    where: { modelVersionId: null },
    orderBy: { createdAt: "desc" },
    take: 20,
    select: { id: true, split: true, imageCount: true, createdAt: true, metrics: true, dataset: { select: { name: true } }, trainingJob: { select: { id: true, kind: true } } },
  });
  return audits.map((a) => ({
    id: a.id,
    folds: Number(a.split.slice(2)),
    dataset: a.dataset.name,
    kind: a.trainingJob?.kind ?? null,
    jobId: a.trainingJob?.id ?? null,
    images: a.imageCount,
    mAP50: parseStored(evaluationMetricsColumn, a.metrics, a.id).AP50,
    createdAt: a.createdAt.toISOString(),
  }));
}
