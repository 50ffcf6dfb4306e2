import { db as defaultDb, type Db } from "./db";

export async function listModelVersions(database: Db = defaultDb()) {
  return database.modelVersion.findMany({
    orderBy: [{ name: "asc" }, { version: "desc" }],
    select: { id: true, name: true, version: true, kind: true, stage: true, inputSize: true, createdAt: true, dataset: { select: { name: true } } },
  });
}
