/**
 * npm run train -- --dataset NAME --kind one-stage|two-stage [--preset quick-cpu|full-gpu] [--minutes N]
 *                  [--epochs N] [--input-size N] [--width n|s] [--cached-augmentations N] [--backend B] [--seed N] [--folds K] [--no-mask-judge] [--no-larger-sizes]
 * Queues a training job through the same queue the UI uses and follows its log here. When no live
 * worker can run it, this process becomes the worker for that job. Prints the new model version
 * (with --folds K: a label audit by K-fold cross-validation, which registers no model).
 * Exit code 0 when a model was registered, 1 when the job failed or was cancelled, 2 on usage errors.
 */
import { parseArgs } from "node:util";
import { cliNameOf, DETECTOR_FAMILY_IDS, type DetectorFamilyId } from "@/lib/domain/detector-families";
import { budgetMs, jobDurationMs } from "@/lib/domain/training-phases";
import { formatDuration } from "@/lib/presentation/format";
import { db } from "@/lib/server/platform/db";
import { claimJob, enqueueJob, getJob, listJobLogs } from "@/lib/server/training/job-queue";
import { DEFAULT_LEASE_MS, runClaimedJob } from "@/lib/server/training/job-runner";
import { migrateDatabase } from "@/lib/server/platform/migrate";
import { blobStore } from "@/lib/server/platform/storage";
import { trainingConfigSchema } from "@/lib/contracts/stored/training";
import { HEARTBEAT_INTERVAL_MS, heartbeat, markWorkerStopped, queueWorkersFor, registerWorker } from "@/lib/server/training/worker-registry";
import { runCommand } from "./run-command";

/** --kind's values: each detector family's id with a dash ("one-stage"). */
const KINDS = new Map(DETECTOR_FAMILY_IDS.map((id) => [cliNameOf(id), id]));
const KIND_CHOICES = [...KINDS.keys()];

const USAGE = [
  `usage: npm run train -- --dataset NAME --kind ${KIND_CHOICES.join("|")} [--preset quick-cpu|full-gpu] [--minutes N]`,
  "                        [--epochs N] [--input-size N] [--width n|s] [--cached-augmentations N] [--backend auto|webgpu|wasm|cpu] [--seed N] [--folds K] [--no-mask-judge] [--no-larger-sizes]",
].join("\n");

function usage(message: string): number {
  console.error(`${message}\n${USAGE}`);
  return 2;
}

const number = (value: string | undefined) => (value === undefined ? undefined : Number(value));

async function main(): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        dataset: { type: "string" },
        kind: { type: "string" },
        preset: { type: "string" },
        minutes: { type: "string" },
        epochs: { type: "string" },
        "input-size": { type: "string" },
        width: { type: "string" },
        "cached-augmentations": { type: "string" },
        backend: { type: "string" },
        seed: { type: "string" },
        folds: { type: "string" },
        "no-mask-judge": { type: "boolean" },
        "no-larger-sizes": { type: "boolean" },
      },
    }));
  } catch (error) {
    return usage((error as Error).message);
  }
  if (!values.dataset) return usage("--dataset is required");
  const kind = KINDS.get(values.kind ?? "");
  if (!kind) return usage(`${KIND_CHOICES.map((choice) => `--kind ${choice}`).join(" or ")} is required`);
  const config = trainingConfigSchema.safeParse({
    preset: values.preset,
    minutes: number(values.minutes),
    epochs: number(values.epochs),
    inputSize: number(values["input-size"]),
    width: values.width,
    cachedAugmentations: number(values["cached-augmentations"]),
    backend: values.backend,
    seed: number(values.seed),
    crossValidationFolds: number(values.folds),
    maskJudge: values["no-mask-judge"] ? false : undefined,
    largerDetectionSizes: values["no-larger-sizes"] ? false : undefined,
  });
  if (!config.success) return usage(config.error.issues.map((i) => `--${String(i.path[0]).replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}: ${i.message}`).join("\n"));

  await migrateDatabase();
  try {
    const dataset = await db().dataset.findUnique({ where: { name: values.dataset } });
    if (!dataset) {
      console.error(`no dataset named "${values.dataset}"`);
      return 1;
    }
    const job = await enqueueJob({ datasetId: dataset.id, kind, config: config.data });
    console.log(`queued job ${job.id}: ${values.kind} on "${dataset.name}" (${config.data.preset})`);
    const workers = await queueWorkersFor(kind);
    const follow = followLog(job.id);
    if (workers.length === 0) {
      console.log("no training worker is running: training in this process");
      await runHere(job.id, kind);
    }
    const finished = await follow;
    console.log(`job ${finished.status} after ${describeDuration(finished, config.data.minutes)}`);
    if (finished.status !== "succeeded") {
      console.error(`job ${finished.status}${finished.error ? `: ${finished.error}` : ""}`);
      return 1;
    }
    if (config.data.crossValidationFolds > 0) {
      const audit = await db().evaluation.findFirst({ where: { trainingJobId: job.id } });
      console.log(audit ? `label audit: evaluation ${audit.id} (its label issues: /models/evaluations/${audit.id}/label-issues)` : "the job finished without a label audit");
      return audit ? 0 : 1;
    }
    const model = await db().modelVersion.findUnique({ where: { trainingJobId: job.id } });
    console.log(model ? `model version: ${model.name} v${model.version} (${model.id})` : "the job finished without a model version");
    return model ? 0 : 1;
  } finally {
    await db().$disconnect();
  }
}

/** The job's duration as the job page and the Models table give it, beside its time budget. */
function describeDuration(job: { startedAt: Date | null; finishedAt: Date | null }, minutes: number | undefined): string {
  const elapsed = jobDurationMs(job, Date.now());
  const budget = budgetMs({ minutes });
  return `${elapsed === null ? "no start" : formatDuration(elapsed)}${budget === null ? "" : ` (time budget ${formatDuration(budget)})`}`;
}

/** Prints the job's log lines as they arrive, until the job ends. */
async function followLog(jobId: string) {
  let after: string | undefined;
  for (;;) {
    for (const line of await listJobLogs(jobId, { after })) {
      after = line.id;
      console.log(`${line.at.toISOString().slice(11, 19)} ${line.level.padEnd(6)} ${line.message}`);
    }
    const job = await getJob(jobId);
    if (["succeeded", "failed", "cancelled"].includes(job.status)) {
      for (const line of await listJobLogs(jobId, { after })) console.log(`${line.at.toISOString().slice(11, 19)} ${line.level.padEnd(6)} ${line.message}`);
      return job;
    }
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

/** This process as a one-job worker (registered, so the UI and other workers see it). */
async function runHere(jobId: string, kind: DetectorFamilyId): Promise<void> {
  const [{ useWorkerBackend }, { detectorRunner }] = await Promise.all([import("@/lib/detection/tf/node-backend"), import("@/lib/server/training/detector-runner")]);
  const { backend } = await useWorkerBackend();
  const workerId = await registerWorker("training", { runtime: `node ${process.version}`, backend, jobKinds: [kind], via: "npm run train" });
  // Heart-beat like any worker, so the Train page shows this process as a live, busy worker.
  const beat = setInterval(() => void heartbeat(workerId, "busy").catch(() => undefined), HEARTBEAT_INTERVAL_MS);
  const shutdown = new AbortController();
  process.once("SIGINT", () => shutdown.abort());
  try {
    const job = await claimJob(jobId, workerId, { leaseMs: DEFAULT_LEASE_MS });
    if (!job) return; // a worker took it meanwhile; the log still follows it
    await runClaimedJob(job, detectorRunner(kind), { workerId, leaseMs: DEFAULT_LEASE_MS, heartbeatMs: 5_000, signal: shutdown.signal, store: blobStore(), report: (line) => console.error(line) });
  } finally {
    clearInterval(beat);
    await markWorkerStopped(workerId).catch(() => undefined);
  }
}

runCommand("train", main);
