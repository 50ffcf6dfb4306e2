import { auditLogDetailColumn, type AuditDetail } from "@/lib/contracts/stored/audit";
import { parseStored, toStoredJson } from "@/lib/contracts/stored/parse";
import { db as defaultDb, type Db } from "../platform/db";

/** Security-relevant and destructive actions, kept for admins to review. */
export const AUDIT_ACTIONS = [
  "setup.admin_created",
  "login.succeeded",
  "login.failed",
  "login.rate_limited",
  "logout",
  "password.changed",
  "password.change_failed",
  "password.change_rate_limited",
  "user.created",
  "user.role_changed",
  "user.disabled",
  "user.enabled",
  "user.password_reset",
  "apikey.created",
  "apikey.revoked",
  "dataset.imported",
  "dataset.exported",
  "label.restored",
  "model.promoted",
  "model.results_evaluated",
  "model.onnx_registered",
  "baseline.created",
  "threshold.changed",
  "alert.triaged",
  "alert.sent_to_labeling",
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export interface AuditEntry {
  actorId?: string | null;
  target?: string | null;
  detail?: AuditDetail;
  ip?: string | null;
}

export async function audit(action: AuditAction, entry: AuditEntry = {}, database: Db = defaultDb()): Promise<void> {
  await database.auditLog.create({
    data: { action, actorId: entry.actorId ?? null, target: entry.target ?? null, detail: entry.detail && toStoredJson(auditLogDetailColumn, entry.detail), ip: entry.ip ?? null },
  });
}

export async function listAudit(options: { action?: string; before?: Date; take?: number } = {}, database: Db = defaultDb()) {
  const entries = await database.auditLog.findMany({
    where: { action: options.action, at: options.before ? { lt: options.before } : undefined },
    orderBy: [{ at: "desc" }, { id: "desc" }],
    take: Math.min(options.take ?? 200, 500),
    include: { actor: { select: { email: true, name: true } } },
  });
  return entries.map((entry) => ({ ...entry, detail: parseStored(auditLogDetailColumn, entry.detail, entry.id) }));
}
