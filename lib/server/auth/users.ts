import type { Role } from "@/lib/domain/permissions";
import { db as defaultDb, type Db } from "../platform/db";
import { DomainError } from "../platform/errors";
import { audit } from "./audit";
import { decoyPasswordHash, hashPassword, verifyPassword } from "./passwords";
import { deleteSessionsOf } from "./sessions";

/** An account change refused; `npm run users` prints the message. */
export abstract class AccountError extends DomainError {}

export class EmailTakenError extends AccountError {
  readonly status = 409;

  constructor(email: string) {
    super(`an account for ${email} already exists`);
  }
}

export class UnknownUserError extends AccountError {
  readonly status = 404;

  constructor() {
    super("unknown user");
  }
}

/** Nobody could manage users after this change. */
export class LastAdminError extends AccountError {
  readonly status = 409;

  constructor() {
    super("this is the last admin: make another admin first");
  }
}

const PUBLIC_USER = { id: true, email: true, name: true, role: true, disabledAt: true, lastLoginAt: true, createdAt: true } as const;

export async function listUsers(database: Db = defaultDb()) {
  return database.user.findMany({ orderBy: [{ disabledAt: "asc" }, { email: "asc" }], select: PUBLIC_USER });
}

export async function countUsers(database: Db = defaultDb()): Promise<number> {
  return database.user.count();
}

export async function createUser(input: { email: string; name: string; role: Role; password: string }, database: Db = defaultDb()) {
  const existing = await database.user.findUnique({ where: { email: input.email }, select: { id: true } });
  if (existing) throw new EmailTakenError(input.email);
  const passwordHash = await hashPassword(input.password);
  return database.user.create({ data: { email: input.email, name: input.name, role: input.role, passwordHash }, select: PUBLIC_USER });
}

/**
 * The user whose email and password match, or null. Unknown emails still cost one argon2
 * verification, so response time does not tell which accounts exist.
 */
export async function verifyLogin(email: string, password: string, database: Db = defaultDb()) {
  const user = await database.user.findUnique({ where: { email } });
  if (!user) {
    await verifyPassword(await decoyPasswordHash(), password);
    return null;
  }
  const ok = await verifyPassword(user.passwordHash, password);
  if (!ok || user.disabledAt) return null;
  await database.user.update({ where: { id: user.id }, data: { lastLoginAt: new Date() } });
  return user;
}

export interface UserChange {
  role?: Role;
  disabled?: boolean;
  password?: string;
}

/**
 * Changes a user's role, enabled state or password. The last enabled admin can neither be
 * demoted nor disabled (nobody could manage users after that). Any change signs the user out
 * everywhere, so a new role or a reset password takes effect at once.
 */
export async function updateUser(id: string, change: UserChange, database: Db = defaultDb()) {
  const user = await database.user.findUnique({ where: { id } });
  if (!user) throw new UnknownUserError();
  const losesAdmin = user.role === "admin" && !user.disabledAt && ((change.role !== undefined && change.role !== "admin") || change.disabled === true);
  if (losesAdmin) {
    const otherAdmins = await database.user.count({ where: { role: "admin", disabledAt: null, id: { not: id } } });
    if (otherAdmins === 0) throw new LastAdminError();
  }
  const passwordHash = change.password !== undefined ? await hashPassword(change.password) : undefined;
  const disabledAt = change.disabled === undefined ? undefined : change.disabled ? (user.disabledAt ?? new Date()) : null;
  const updated = await database.user.update({ where: { id }, data: { role: change.role, disabledAt, passwordHash }, select: PUBLIC_USER });
  await deleteSessionsOf(id, database);
  return { before: user, after: updated };
}

/** updateUser by an admin, with one audit entry per thing that changed: role, disabled or enabled, password reset. */
export async function updateUserWithAudit(id: string, change: UserChange, by: { actorId: string; ip: string | null }, database: Db = defaultDb()) {
  const { before, after } = await updateUser(id, change, database);
  const entry = { actorId: by.actorId, target: after.email, ip: by.ip };
  if (change.role !== undefined && change.role !== before.role) await audit("user.role_changed", { ...entry, detail: { from: before.role, to: after.role } }, database);
  if (change.disabled === true && !before.disabledAt) await audit("user.disabled", entry, database);
  if (change.disabled === false && before.disabledAt) await audit("user.enabled", entry, database);
  if (change.password !== undefined) await audit("user.password_reset", entry, database);
  return after;
}
