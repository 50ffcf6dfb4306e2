import { z } from "zod";
import { evaluationMetricsColumn } from "@/lib/contracts/stored/evaluation";
import { parseStored } from "@/lib/contracts/stored/parse";
import { trainingConfigSchema } from "@/lib/contracts/stored/training";
import { recordIdSchema } from "@/lib/domain/record-id";
import { JOB_KINDS } from "@/lib/domain/states";
import { db as defaultDb, type Db } from "../platform/db";
import { DomainError } from "../platform/errors";
import { NotFoundError } from "../platform/not-found";
import { enqueueJob, listJobLogs, requestCancel } from "./job-queue";
import { resolveTrainingConfig } from "./training-config";

/** The newest jobs, each with when it ran (for its duration), its model version and that model's test-split evaluation. */
export async function listTrainingJobs(database: Db = defaultDb(), take = 50) {
  const jobs = await database.trainingJob.findMany({
    orderBy: { createdAt: "desc" },
    take,
    select: {
      id: true,
      kind: true,
      status: true,
      progress: true,
      createdAt: true,
      startedAt: true,
      finishedAt: true,
      workerId: true,
      backend: true,
      dataset: { select: { name: true } },
      modelVersion: {
        select: { id: true, name: true, version: true, evaluations: { where: { split: "test" }, orderBy: { createdAt: "desc" }, take: 1, select: { id: true, metrics: true } } },
      },
    },
  });
  return jobs.map(({ modelVersion, ...job }) => {
    const evaluation = modelVersion?.evaluations[0];
    return {
      ...job,
      modelVersion: modelVersion && { id: modelVersion.id, name: modelVersion.name, version: modelVersion.version },
      testEvaluation: evaluation ? { id: evaluation.id, mAP50: parseStored(evaluationMetricsColumn, evaluation.metrics, evaluation.id).AP50 } : null,
    };
  });
}

/** A training request from the UI or the API. */
export const newTrainingJobSchema = z.object({
  datasetId: recordIdSchema,
  kind: z.enum(JOB_KINDS),
  config: trainingConfigSchema,
});

export class TrainingRequestError extends DomainError {
  readonly status = 400;
}

export async function launchTrainingJob(input: z.infer<typeof newTrainingJobSchema>, createdById: string, database: Db = defaultDb()) {
  const dataset = await database.dataset.findUnique({ where: { id: input.datasetId }, select: { id: true } });
  if (!dataset) throw new TrainingRequestError("unknown dataset");
  try {
    resolveTrainingConfig(input.config, input.kind);
  } catch (error) {
    throw new TrainingRequestError((error as z.ZodError).issues?.[0]?.message ?? "invalid training settings");
  }
  const splits = await database.image.groupBy({ by: ["split"], where: { datasetId: dataset.id, split: { in: ["train", "val"] } }, _count: true });
  const count = (split: string) => splits.find((s) => s.split === split)?._count ?? 0;
  if (count("train") === 0 || count("val") === 0) throw new TrainingRequestError(`the dataset needs images in both the train and val splits (has ${count("train")} train, ${count("val")} val)`);
  return enqueueJob({ datasetId: dataset.id, kind: input.kind, config: input.config, createdById }, { db: database });
}

/** Cancels a job: a queued one at once, a running one at its worker's next heartbeat. */
export async function cancelTrainingJob(jobId: string, database: Db = defaultDb()) {
  if (!(await database.trainingJob.findUnique({ where: { id: jobId }, select: { id: true } }))) throw new NotFoundError("unknown training job");
  return requestCancel(jobId, { db: database });
}

/** What a job's page heads itself with; null for an id that names no job. */
export async function trainingJobHeading(jobId: string, database: Db = defaultDb()) {
  return database.trainingJob.findUnique({ where: { id: jobId }, select: { id: true, kind: true, createdAt: true, dataset: { select: { name: true } } } });
}

/** A job with its dataset, its model version (or label audit) when done, and its log lines after `after`. */
export async function trainingJobDetail(jobId: string, after: string | undefined, database: Db = defaultDb()) {
  const job = await database.trainingJob.findUnique({
    where: { id: jobId },
    include: {
      dataset: { select: { id: true, name: true } },
      modelVersion: { select: { id: true, name: true, version: true } },
      createdBy: { select: { email: true } },
      // a cross-validation job's label audit
      evaluations: { select: { id: true, split: true }, orderBy: { createdAt: "desc" }, take: 1 },
    },
  });
  if (!job) return null;
  const logs = await listJobLogs(jobId, { after, take: 1000, db: database });
  return { job, logs };
}

