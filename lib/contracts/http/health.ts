import { z } from "zod";
import { workerCapabilitiesSchema } from "../stored/training";
import { timestampSchema } from "./json";

/** A worker process as the health check and the Workers page list it (signed-in callers only; others get an empty list). */
export const workerViewSchema = z.object({
  id: z.string(),
  kind: z.string(),
  hostname: z.string(),
  pid: z.number().int(),
  status: z.string(),
  startedAt: timestampSchema,
  lastHeartbeatAt: timestampSchema,
  alive: z.boolean(),
  /** what it said of itself when it registered (runtime, backend and why, GPU, job kinds); {} when it said nothing */
  capabilities: workerCapabilitiesSchema,
  /** the worker token a remote worker signed in with; null for a worker on the database directly */
  token: z.object({ id: z.string(), name: z.string(), prefix: z.string(), revoked: z.boolean() }).nullable(),
  /** the job it holds now (running under its lease), if any */
  currentJob: z.object({ id: z.string(), kind: z.string(), progress: z.number(), datasetName: z.string() }).nullable(),
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
