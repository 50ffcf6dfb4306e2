import type { HealthReport } from "@/lib/contracts/http/health";
import { db as defaultDb, type Db } from "./db";
import { listWorkers } from "../training/worker-registry";

export async function checkHealth(database: Db = defaultDb()): Promise<HealthReport> {
  const started = performance.now();
  const checkedAt = new Date();
  try {
    await database.dataset.count();
    const latencyMs = Math.round((performance.now() - started) * 10) / 10;
    const list = await listWorkers(checkedAt, database);
    const alive = list.filter((w) => w.alive && w.kind === "training").length;
    return {
      status: alive > 0 ? "ok" : "degraded",
      database: { ok: true, latencyMs },
      workers: { alive, list },
      checkedAt: checkedAt.toISOString(),
    };
  } catch (error) {
    return {
      status: "down",
      // The message names the failing part; the stack stays in the server log.
      database: { ok: false, latencyMs: Math.round(performance.now() - started), error: (error as Error).name },
      workers: { alive: 0, list: [] },
      checkedAt: checkedAt.toISOString(),
    };
  }
}
