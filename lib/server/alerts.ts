import { db as defaultDb, type Db } from "./db";

export async function listOpenAlerts(database: Db = defaultDb()) {
  return database.alert.findMany({
    where: { status: { in: ["open", "acknowledged"] } },
    orderBy: { createdAt: "desc" },
    select: { id: true, feature: true, metric: true, value: true, threshold: true, severity: true, status: true, createdAt: true },
  });
}
