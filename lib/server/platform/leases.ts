import { db as defaultDb, isUniqueViolation, type Db } from "./db";

/**
 * Duties one process does for the whole deployment (the drift monitor), held through a row of
 * the Lease table: taken when free or expired, renewed by its holder, both by compare-and-set, so
 * on SQLite or PostgreSQL and with any number of candidates exactly one holds it at a time. A
 * holder that dies frees it when the lease expires.
 */

/** Takes or renews `name` for `holder` until now + ttlMs; false while another holder's lease is live. */
export async function holdLease(name: string, holder: string, ttlMs: number, database: Db = defaultDb(), now: Date = new Date()): Promise<boolean> {
  const expiresAt = new Date(now.getTime() + ttlMs);
  const taken = await database.lease.updateMany({ where: { name, OR: [{ holder }, { expiresAt: { lt: now } }] }, data: { holder, expiresAt } });
  if (taken.count === 1) return true;
  try {
    await database.lease.create({ data: { name, holder, expiresAt } });
    return true;
  } catch (error) {
    // The row exists (another holder's live lease), or another candidate created it first.
    if (isUniqueViolation(error)) return false;
    throw error;
  }
}

/** Who holds `name` now, if anyone. */
export async function leaseHolder(name: string, database: Db = defaultDb(), now: Date = new Date()): Promise<string | null> {
  const lease = await database.lease.findUnique({ where: { name } });
  return lease && lease.expiresAt > now ? lease.holder : null;
}

/** Gives the lease up at once (a clean stop), if `holder` still has it. */
export async function releaseLease(name: string, holder: string, database: Db = defaultDb()): Promise<void> {
  await database.lease.deleteMany({ where: { name, holder } });
}
