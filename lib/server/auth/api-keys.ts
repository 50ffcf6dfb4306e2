import { can, isRole, isWorkerToken, parseScopes, SCOPE_PERMISSION, type ApiKeyScope, type Permission } from "@/lib/domain/permissions";
import { db as defaultDb, type Db } from "../platform/db";
import { hashSecret, newSecret } from "./tokens";

/** Keys look like `mk_<8-char prefix>_<secret>`; the prefix is stored in clear to tell keys apart. */
const KEY_PATTERN = /^mk_([A-Za-z0-9_-]{8})_([A-Za-z0-9_-]{32,64})$/;

export async function createApiKey(input: { name: string; scopes: ApiKeyScope[]; createdById: string }, database: Db = defaultDb()) {
  const prefix = newSecret(6).replace(/[^A-Za-z0-9]/g, "x").slice(0, 8);
  const key = `mk_${prefix}_${newSecret(32)}`;
  const record = await database.apiKey.create({
    data: { name: input.name, prefix, keyHash: hashSecret(key), scopes: [...new Set(input.scopes)].join(","), createdById: input.createdById },
  });
  return { key, record };
}

/** The API keys page's list: every key but worker tokens (the Workers page lists those). */
export async function listApiKeys(database: Db = defaultDb()) {
  const keys = await database.apiKey.findMany({
    orderBy: [{ revokedAt: "asc" }, { createdAt: "desc" }],
    select: { id: true, name: true, prefix: true, scopes: true, createdAt: true, lastUsedAt: true, revokedAt: true, createdBy: { select: { email: true } } },
  });
  return keys.filter((key) => !isWorkerToken(key.scopes));
}

export async function revokeApiKey(id: string, database: Db = defaultDb()): Promise<boolean> {
  const { count } = await database.apiKey.updateMany({ where: { id, revokedAt: null }, data: { revokedAt: new Date() } });
  return count === 1;
}

export type ApiKeyCheck =
  | { ok: true; keyId: string; createdById: string; scopes: ApiKeyScope[] }
  | { ok: false; status: 401 | 403; error: string };

/**
 * Checks a presented key for one permission: unknown or revoked → 401; a key whose scopes do not
 * cover the permission, or whose creator's role no longer could, → 403.
 */
export async function checkApiKey(presented: string, permission: Permission, database: Db = defaultDb()): Promise<ApiKeyCheck> {
  if (!KEY_PATTERN.test(presented)) return { ok: false, status: 401, error: "invalid API key" };
  const record = await database.apiKey.findUnique({
    where: { keyHash: hashSecret(presented) },
    include: { createdBy: { select: { role: true, disabledAt: true } } },
  });
  if (!record || record.revokedAt) return { ok: false, status: 401, error: "invalid or revoked API key" };
  const scopes = parseScopes(record.scopes);
  const creatorRole = record.createdBy.role;
  const scoped = scopes.some((scope) => SCOPE_PERMISSION[scope] === permission);
  if (!scoped) return { ok: false, status: 403, error: `this API key's scopes (${scopes.join(", ") || "none"}) do not allow this request` };
  if (record.createdBy.disabledAt || !isRole(creatorRole) || !can(creatorRole, permission)) {
    return { ok: false, status: 403, error: "the account that created this API key may no longer do this" };
  }
  // Last-used time at minute precision: one write per key per minute, not one per request.
  if (!record.lastUsedAt || Date.now() - record.lastUsedAt.getTime() > 60_000) {
    await database.apiKey.update({ where: { id: record.id }, data: { lastUsedAt: new Date() } });
  }
  return { ok: true, keyId: record.id, createdById: record.createdById, scopes };
}
