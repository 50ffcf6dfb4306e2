import { db as defaultDb, type Db } from "../platform/db";
import { audit } from "./audit";
import { hashPassword, verifyPassword } from "./passwords";
import { limiters } from "./rate-limit";
import { deleteSessionsOf, type SessionUser } from "./sessions";

export type PasswordChangeResult = { ok: true } | { ok: false; status: 400 | 429; error: string; retryAfterSeconds?: number };

/**
 * Changes a signed-in person's own password once the current one checks out. That check is a
 * password guess like a sign-in (a stolen session could try it over and over), so it draws on
 * sign-in's failure budgets: the account's failures count together whichever door they come
 * through, and a locked account is locked for both. Every outcome lands in the audit log. Other
 * sessions of the account end; the one that made the change stays.
 */
export async function changeOwnPassword(
  user: Pick<SessionUser, "id" | "email">,
  input: { currentPassword: string; newPassword: string },
  context: { keepSessionId: string; ip: string | null },
  database: Db = defaultDb(),
): Promise<PasswordChangeResult> {
  const { loginFailuresPerAccount, loginFailuresOverall } = limiters();
  const accountKey = `email:${user.email}`;
  const entry = { actorId: user.id, target: user.email, ip: context.ip };
  const decisions = await Promise.all([loginFailuresPerAccount.peek(accountKey, database), loginFailuresOverall.peek("all", database)]);
  const blocked = decisions.find((decision) => !decision.allowed);
  if (blocked) {
    await audit("password.change_rate_limited", entry, database);
    return { ok: false, status: 429, error: "too many wrong passwords: try again later", retryAfterSeconds: blocked.retryAfterSeconds };
  }
  const stored = await database.user.findUnique({ where: { id: user.id }, select: { passwordHash: true } });
  if (!stored || !(await verifyPassword(stored.passwordHash, input.currentPassword))) {
    await Promise.all([loginFailuresPerAccount.hit(accountKey, database), loginFailuresOverall.hit("all", database)]);
    await audit("password.change_failed", entry, database);
    return { ok: false, status: 400, error: "the current password is wrong" };
  }
  await loginFailuresPerAccount.reset(accountKey, database);
  await database.user.update({ where: { id: user.id }, data: { passwordHash: await hashPassword(input.newPassword) } });
  await deleteSessionsOf(user.id, database, context.keepSessionId);
  await audit("password.changed", entry, database);
  return { ok: true };
}
