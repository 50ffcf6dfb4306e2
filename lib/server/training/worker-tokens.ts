import type { CreatedWorkerToken, WorkerTokenRow } from "@/lib/contracts/http/worker-tokens";
import { isWorkerToken } from "@/lib/domain/permissions";
import { createApiKey, revokeApiKey } from "../auth/api-keys";
import { audit } from "../auth/audit";
import { NotFoundError } from "../platform/not-found";
import { db as defaultDb, type Db } from "../platform/db";
import { isAlive } from "./worker-registry";

/**
 * Worker tokens are API keys with the one scope "worker" (permission training.work): a remote
 * training worker signs in with one. They are kept apart from the other API keys, so a key for a
 * camera never carries it and the Workers page lists only these.
 */

/** How many of the workers that signed in with a token its row names (newest first). */
export const WORKERS_PER_TOKEN = 10;

export class WorkerTokenNotFoundError extends NotFoundError {
  constructor(readonly tokenId: string) {
    super(`no active worker token with id "${tokenId}" (unknown, or already revoked)`);
  }
}

/** Who asks, for the audit log. */
export interface WorkerTokenActor {
  actorId: string;
  ip?: string | null;
}

/** A new token for the named worker(s), shown once here: only its hash is stored. */
export async function createWorkerToken(input: { name: string }, by: WorkerTokenActor, database: Db = defaultDb()): Promise<CreatedWorkerToken> {
  const { key, record } = await createApiKey({ name: input.name, scopes: ["worker"], createdById: by.actorId }, database);
  await audit("apikey.created", { actorId: by.actorId, target: `${record.name} (${record.prefix})`, detail: { scopes: ["worker"] }, ip: by.ip }, database);
  return { token: key, id: record.id, name: record.name, prefix: record.prefix };
}

/** Every worker token, active first and newest first, with the workers that signed in with it. */
export async function listWorkerTokens(now: Date = new Date(), database: Db = defaultDb()): Promise<WorkerTokenRow[]> {
  const rows = await database.apiKey.findMany({
    // A cheap narrowing in SQL; isWorkerToken decides (a scope list is a plain comma-separated string).
    where: { scopes: { contains: "worker" } },
    orderBy: [{ revokedAt: "asc" }, { createdAt: "desc" }],
    select: {
      id: true,
      name: true,
      prefix: true,
      scopes: true,
      createdAt: true,
      lastUsedAt: true,
      revokedAt: true,
      createdBy: { select: { email: true } },
      workers: { orderBy: { lastHeartbeatAt: "desc" }, take: WORKERS_PER_TOKEN, select: { id: true, hostname: true, status: true, lastHeartbeatAt: true } },
    },
  });
  return rows
    .filter((row) => isWorkerToken(row.scopes))
    .map((row) => ({
      id: row.id,
      name: row.name,
      prefix: row.prefix,
      createdAt: row.createdAt.toISOString(),
      lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
      revokedAt: row.revokedAt?.toISOString() ?? null,
      createdBy: row.createdBy,
      workers: row.workers.map((w) => ({
        id: w.id,
        hostname: w.hostname,
        alive: w.status !== "stopped" && isAlive(w.lastHeartbeatAt, now),
        lastHeartbeatAt: w.lastHeartbeatAt.toISOString(),
      })),
    }));
}

/**
 * Revokes a worker token: every request with it is refused from then on, so a worker using it
 * stops when it next renews its lease (about a minute). Only worker tokens are revoked here.
 */
export async function revokeWorkerToken(id: string, by: WorkerTokenActor, database: Db = defaultDb()): Promise<void> {
  const key = await database.apiKey.findUnique({ where: { id }, select: { name: true, prefix: true, scopes: true, revokedAt: true } });
  if (!key || key.revokedAt !== null || !isWorkerToken(key.scopes)) throw new WorkerTokenNotFoundError(id);
  if (!(await revokeApiKey(id, database))) throw new WorkerTokenNotFoundError(id);
  await audit("apikey.revoked", { actorId: by.actorId, target: `${key.name} (${key.prefix})`, detail: { id, scopes: ["worker"] }, ip: by.ip }, database);
}
