import { z } from "zod";
import { storedColumn } from "./parse";

/** What an audited action concerned, by name (ids, the change made, counts): plain JSON for admins to read. */
export const auditDetailSchema = z.record(z.string(), z.json());
export type AuditDetail = z.infer<typeof auditDetailSchema>;

export const auditLogDetailColumn = storedColumn("AuditLog", "detail", auditDetailSchema.nullable());
