import { z } from "zod";
import { timestampSchema } from "./json";

/** A worker process as the health check lists it (signed-in callers only; others get an empty list). */
export const workerViewSchema = z.object({
  id: z.string(),
  kind: z.string(),
  hostname: z.string(),
  pid: z.number().int(),
  status: z.string(),
  startedAt: timestampSchema,
  lastHeartbeatAt: timestampSchema,
  alive: z.boolean(),
});
export type WorkerView = z.infer<typeof workerViewSchema>;

/** GET /api/health */
export const healthReportSchema = z.object({
  /** ok: database up and a training worker alive; degraded: no live worker; down: no database */
  status: z.enum(["ok", "degraded", "down"]),
  database: z.object({ ok: z.boolean(), latencyMs: z.number(), error: z.string().optional() }),
  workers: z.object({ alive: z.number().int(), list: z.array(workerViewSchema) }),
  checkedAt: timestampSchema,
});
export type HealthReport = z.infer<typeof healthReportSchema>;
