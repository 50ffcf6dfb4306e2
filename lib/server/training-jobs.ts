import { db as defaultDb, type Db } from "./db";

export async function listTrainingJobs(database: Db = defaultDb(), take = 50) {
  return database.trainingJob.findMany({
    orderBy: { createdAt: "desc" },
    take,
    select: { id: true, kind: true, status: true, progress: true, createdAt: true, workerId: true, dataset: { select: { name: true } } },
  });
}
