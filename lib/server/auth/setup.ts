import { db as defaultDb, type Db } from "../platform/db";
import { DomainError } from "../platform/errors";
import { hashPassword } from "./passwords";
import { hashSecret, newSecret, safeEqual } from "./tokens";

/** How long a printed setup link works. */
export const SETUP_TOKEN_TTL_MS = 24 * 3600_000;

export class SetupError extends DomainError {
  readonly status = 403;
}

/**
 * A fresh one-time token for creating the first admin, while no account exists; earlier tokens
 * stop working. MASKLAB_SETUP_TOKEN lets an automated deployment choose it (≥ 32 characters).
 */
export async function issueSetupToken(database: Db = defaultDb()): Promise<string | null> {
  if ((await database.user.count()) > 0) return null;
  const chosen = process.env.MASKLAB_SETUP_TOKEN;
  if (chosen !== undefined && chosen.length < 32) throw new SetupError("MASKLAB_SETUP_TOKEN must have at least 32 characters");
  const token = chosen ?? newSecret();
  await database.$transaction([
    database.setupToken.deleteMany({}),
    database.setupToken.create({ data: { tokenHash: hashSecret(token), expiresAt: new Date(Date.now() + SETUP_TOKEN_TTL_MS) } }),
  ]);
  return token;
}

export async function setupNeeded(database: Db = defaultDb()): Promise<boolean> {
  return (await database.user.count()) === 0;
}

/**
 * Creates the first admin with a valid, unused setup token. The token is consumed and the
 * account created in one transaction, so two racing requests cannot both succeed.
 */
export async function completeSetup(input: { token: string; email: string; name: string; password: string }, database: Db = defaultDb()) {
  const passwordHash = await hashPassword(input.password);
  return database.$transaction(async (tx) => {
    if ((await tx.user.count()) > 0) throw new SetupError("Masklab is already set up: sign in instead");
    const record = await tx.setupToken.findUnique({ where: { tokenHash: hashSecret(input.token) } });
    if (!record || record.usedAt || record.expiresAt <= new Date() || !safeEqual(record.tokenHash, hashSecret(input.token))) {
      throw new SetupError("this setup link is invalid or has expired: restart Masklab to print a new one");
    }
    await tx.setupToken.update({ where: { id: record.id }, data: { usedAt: new Date() } });
    return tx.user.create({ data: { email: input.email, name: input.name, role: "admin", passwordHash }, select: { id: true, email: true, name: true, role: true } });
  });
}
