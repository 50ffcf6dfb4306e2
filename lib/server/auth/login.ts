import { db as defaultDb, type Db } from "../platform/db";
import { audit } from "./audit";
import { limiters } from "./rate-limit";
import { createSession, type SessionUser } from "./sessions";
import { verifyLogin } from "./users";
import type { Role } from "@/lib/domain/permissions";

export type LoginResult =
  | { ok: true; token: string; expiresAt: Date; user: SessionUser }
  | { ok: false; status: 401 | 429; error: string; retryAfterSeconds?: number };

/**
 * Signs a person in: rate limits first (per account, per client, overall), then argon2
 * verification, then a brand-new session (never a reused one, so a planted cookie is useless).
 * Every outcome lands in the audit log.
 */
export async function login(email: string, password: string, ip: string | null, database: Db = defaultDb()): Promise<LoginResult> {
  const { loginFailuresPerAccount, loginAttemptsPerClient, loginFailuresOverall } = limiters();
  const [client, account, overall] = await Promise.all([
    loginAttemptsPerClient.hit(`ip:${ip ?? "unknown"}`, database),
    loginFailuresPerAccount.peek(`email:${email}`, database),
    loginFailuresOverall.peek("all", database),
  ]);
  const blocked = [client, account, overall].find((decision) => !decision.allowed);
  if (blocked) {
    await audit("login.rate_limited", { target: email, ip }, database);
    return { ok: false, status: 429, error: "too many sign-in attempts: try again later", retryAfterSeconds: blocked.retryAfterSeconds };
  }
  const user = await verifyLogin(email, password, database);
  if (!user) {
    await Promise.all([loginFailuresPerAccount.hit(`email:${email}`, database), loginFailuresOverall.hit("all", database)]);
    await audit("login.failed", { target: email, ip }, database);
    return { ok: false, status: 401, error: "wrong email or password" };
  }
  await loginFailuresPerAccount.reset(`email:${email}`, database);
  const session = await createSession(user.id, database);
  await audit("login.succeeded", { actorId: user.id, target: email, ip }, database);
  return { ok: true, ...session, user: { id: user.id, email: user.email, name: user.name, role: user.role as Role } };
}
