import { db as defaultDb, type Db } from "./db";

export async function listModelVersions(database: Db = defaultDb()) {
  return database.modelVersion.findMany({
    orderBy: [{ name: "asc" }, { version: "desc" }],
    select: { id: true, name: true, version: true, kind: true, stage: true, inputSize: true, createdAt: true, dataset: { select: { name: true } } },
  });
}

export class ModelNotFoundError extends Error {}

/**
 * Makes a model version the one in production for its name; the version serving before it goes
 * back to candidate (so rolling back is promoting it again). One transaction: there is never a
 * moment with two production versions.
 */
export async function promoteModelVersion(id: string, database: Db = defaultDb()) {
  return database.$transaction(async (tx) => {
    const model = await tx.modelVersion.findUnique({ where: { id } });
    if (!model) throw new ModelNotFoundError("unknown model version");
    const previous = await tx.modelVersion.findFirst({ where: { name: model.name, stage: "production", id: { not: id } }, select: { id: true, version: true } });
    if (previous) await tx.modelVersion.update({ where: { id: previous.id }, data: { stage: "candidate" } });
    const promoted = await tx.modelVersion.update({ where: { id }, data: { stage: "production", promotedAt: new Date() } });
    return { promoted, previous };
  });
}

export async function productionModel(database: Db = defaultDb()) {
  return database.modelVersion.findFirst({ where: { stage: "production" }, orderBy: { promotedAt: "desc" } });
}
