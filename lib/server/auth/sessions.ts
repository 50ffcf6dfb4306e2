import { parse, serialize } from "cookie";
import type { SignedInUser } from "@/lib/contracts/http/accounts";
import { isRole } from "@/lib/domain/permissions";
import { db as defaultDb, type Db } from "../platform/db";
import { hashSecret, newSecret } from "./tokens";

export const SESSION_COOKIE = "masklab_session";
/** Readable by the page's script, which echoes it in X-CSRF-Token on every state-changing call. */
export const CSRF_COOKIE = "masklab_csrf";
export const CSRF_HEADER = "x-csrf-token";

/** A session lives a week from its last rotation, and never longer than 30 days in all. */
export const SESSION_TTL_MS = 7 * 24 * 3600_000;
export const SESSION_MAX_AGE_MS = 30 * 24 * 3600_000;
/** Tokens are replaced at most hourly, on the first API call after the hour. */
export const ROTATE_AFTER_MS = 3600_000;
/** Requests already in flight with the replaced token still succeed for this long. */
export const ROTATION_GRACE_MS = 60_000;

/** The person a session belongs to, as the API shows them. */
export type SessionUser = SignedInUser;

export interface AuthenticatedSession {
  sessionId: string;
  /** the cookie token this request presented */
  token: string;
  user: SessionUser;
  /** set when this request should carry a rotated token back to the browser */
  rotatedToken?: string;
}

/** The CSRF token is derived from the session token, so it needs no storage and dies with it. */
export function csrfTokenFor(sessionToken: string): string {
  return hashSecret(`csrf:${sessionToken}`).slice(0, 43);
}

export function sessionTokenFromCookieHeader(header: string | null): string | undefined {
  if (!header) return undefined;
  const token = parse(header)[SESSION_COOKIE];
  return token && token.length <= 200 ? token : undefined;
}

export async function createSession(userId: string, database: Db = defaultDb()): Promise<{ token: string; expiresAt: Date }> {
  const token = newSecret();
  const expiresAt = new Date(Date.now() + SESSION_TTL_MS);
  await database.session.create({ data: { userId, tokenHash: hashSecret(token), expiresAt } });
  return { token, expiresAt };
}

/**
 * The live session of a token, or null. With `rotate`, a token older than ROTATE_AFTER_MS is
 * replaced (the old one kept valid for ROTATION_GRACE_MS) and the expiry slides forward, capped
 * at SESSION_MAX_AGE_MS from login.
 */
export async function findSession(token: string, options: { rotate?: boolean; db?: Db } = {}): Promise<AuthenticatedSession | null> {
  const database = options.db ?? defaultDb();
  const now = new Date();
  const tokenHash = hashSecret(token);
  const session = await database.session.findFirst({
    where: { OR: [{ tokenHash }, { previousTokenHash: tokenHash, previousValidUntil: { gt: now } }] },
    include: { user: { select: { id: true, email: true, name: true, role: true, disabledAt: true } } },
  });
  if (!session || session.expiresAt <= now || session.user.disabledAt || !isRole(session.user.role)) return null;
  const user: SessionUser = { id: session.user.id, email: session.user.email, name: session.user.name, role: session.user.role };
  const result: AuthenticatedSession = { sessionId: session.id, token, user };
  const current = session.tokenHash === tokenHash;
  const lastRotation = (session.rotatedAt ?? session.createdAt).getTime();
  if (options.rotate && current && now.getTime() - lastRotation > ROTATE_AFTER_MS) {
    const rotatedToken = newSecret();
    const cap = session.createdAt.getTime() + SESSION_MAX_AGE_MS;
    // Compare-and-set on the old hash: of two requests racing to rotate, one wins, the other
    // keeps using the old token inside the grace period.
    const { count } = await database.session.updateMany({
      where: { id: session.id, tokenHash },
      data: {
        tokenHash: hashSecret(rotatedToken),
        previousTokenHash: tokenHash,
        previousValidUntil: new Date(now.getTime() + ROTATION_GRACE_MS),
        rotatedAt: now,
        expiresAt: new Date(Math.min(now.getTime() + SESSION_TTL_MS, cap)),
      },
    });
    if (count === 1) result.rotatedToken = rotatedToken;
  }
  return result;
}

export async function deleteSession(token: string, database: Db = defaultDb()): Promise<void> {
  const tokenHash = hashSecret(token);
  await database.session.deleteMany({ where: { OR: [{ tokenHash }, { previousTokenHash: tokenHash }] } });
}

/** Signs a user out everywhere (role change, disabling, password change). */
export async function deleteSessionsOf(userId: string, database: Db = defaultDb(), exceptSessionId?: string): Promise<void> {
  await database.session.deleteMany({ where: { userId, id: exceptSessionId ? { not: exceptSessionId } : undefined } });
}

/** Secure cookies whenever the browser reached us over HTTPS (directly or through a proxy). */
export function isSecureRequest(request: Request): boolean {
  if (process.env.COOKIE_SECURE === "true") return true;
  if (process.env.COOKIE_SECURE === "false") return false;
  return new URL(request.url).protocol === "https:" || request.headers.get("x-forwarded-proto") === "https";
}

export function sessionCookies(request: Request, token: string, expiresAt?: Date): string[] {
  const secure = isSecureRequest(request);
  const maxAge = Math.floor((expiresAt ? expiresAt.getTime() - Date.now() : SESSION_TTL_MS) / 1000);
  return [
    serialize(SESSION_COOKIE, token, { httpOnly: true, sameSite: "lax", secure, path: "/", maxAge }),
    serialize(CSRF_COOKIE, csrfTokenFor(token), { httpOnly: false, sameSite: "strict", secure, path: "/", maxAge }),
  ];
}

export function clearedSessionCookies(request: Request): string[] {
  const secure = isSecureRequest(request);
  return [
    serialize(SESSION_COOKIE, "", { httpOnly: true, sameSite: "lax", secure, path: "/", maxAge: 0 }),
    serialize(CSRF_COOKIE, "", { httpOnly: false, sameSite: "strict", secure, path: "/", maxAge: 0 }),
  ];
}
