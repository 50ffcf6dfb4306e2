import { z } from "zod";
import { timestampSchema } from "./json";

/**
 * Worker tokens: API keys with the single scope "worker", which a remote training worker signs in
 * with (`npm run worker -- --server … --token …`). They are made and revoked on the Workers page,
 * apart from the other API keys.
 */

/** POST /api/worker-tokens */
export const createWorkerTokenSchema = z.object({
  name: z.string().trim().min(1, "a name is required").max(100, "a name may have at most 100 characters"),
});

/** A worker that signed in with a token, as the token's row names it. */
export const workerTokenUserSchema = z.object({
  id: z.string(),
  hostname: z.string(),
  /** heartbeating within the alive window (a stopped worker is not alive) */
  alive: z.boolean(),
  lastHeartbeatAt: timestampSchema,
});

/** A worker token as its list shows it: the prefix tells tokens apart; the token itself is never shown again. */
export const workerTokenRowSchema = z.object({
  id: z.string(),
  name: z.string(),
  prefix: z.string(),
  createdAt: timestampSchema,
  lastUsedAt: timestampSchema.nullable(),
  revokedAt: timestampSchema.nullable(),
  createdBy: z.object({ email: z.string() }),
  /** the workers that signed in with it, newest heartbeat first (at most WORKERS_PER_TOKEN) */
  workers: z.array(workerTokenUserSchema),
});
export type WorkerTokenRow = z.infer<typeof workerTokenRowSchema>;

/** GET /api/worker-tokens: active tokens first, newest first. */
export const workerTokenListSchema = z.object({ tokens: z.array(workerTokenRowSchema) });

/** POST /api/worker-tokens → 201: the token, shown this once (it is stored only hashed). */
export const createdWorkerTokenSchema = z.object({
  token: z.string().meta({ description: "mk_<prefix>_<secret>: pass it to `npm run worker -- --token`" }),
  id: z.string(),
  name: z.string(),
  prefix: z.string(),
});
export type CreatedWorkerToken = z.infer<typeof createdWorkerTokenSchema>;
