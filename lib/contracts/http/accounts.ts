import { z } from "zod";
import { PERMISSIONS, ROLES, type Permission } from "@/lib/domain/permissions";
import { timestampSchema } from "./json";

/** The person a session belongs to. */
export const signedInUserSchema = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  role: z.enum(ROLES),
});
export type SignedInUser = z.infer<typeof signedInUserSchema>;

/** POST /api/auth/login → 200 and POST /api/auth/setup → 201, with the session cookies. */
export const signedInSchema = z.object({ user: signedInUserSchema });

/** GET /api/auth/me */
export const currentUserSchema = z.object({ user: signedInUserSchema, permissions: z.array(z.enum(PERMISSIONS as [Permission, ...Permission[]])) });

/** An account as the admin's user list shows it (never its password hash). */
export const userRowSchema = signedInUserSchema.extend({
  disabledAt: timestampSchema.nullable(),
  lastLoginAt: timestampSchema.nullable(),
  createdAt: timestampSchema,
});
export type UserRow = z.infer<typeof userRowSchema>;

/** GET /api/users */
export const userListSchema = z.object({ users: z.array(userRowSchema) });

/** POST /api/users → 201 and PATCH /api/users/:id → 200. */
export const userAnswerSchema = z.object({ user: userRowSchema });

/** An API key as its list shows it: the prefix tells keys apart; the key itself is never shown again. */
export const apiKeyRowSchema = z.object({
  id: z.string(),
  name: z.string(),
  prefix: z.string(),
  /** comma-separated scopes */
  scopes: z.string(),
  createdAt: timestampSchema,
  lastUsedAt: timestampSchema.nullable(),
  revokedAt: timestampSchema.nullable(),
  createdBy: z.object({ email: z.string() }),
});
export type ApiKeyRow = z.infer<typeof apiKeyRowSchema>;

/** GET /api/api-keys */
export const apiKeyListSchema = z.object({ keys: z.array(apiKeyRowSchema) });

/** POST /api/api-keys → 201: the key, shown this once (it is stored only hashed). */
export const createdApiKeySchema = z.object({
  key: z.string().meta({ description: "mk_<prefix>_<secret>: send it as Authorization: Bearer <key>" }),
  id: z.string(),
  prefix: z.string(),
});

/** GET /api/audit, newest first. */
export const auditLogSchema = z.object({
  entries: z.array(
    z.object({
      id: z.string(),
      at: timestampSchema,
      action: z.string(),
      actorId: z.string().nullable(),
      actor: z.object({ email: z.string(), name: z.string() }).nullable(),
      target: z.string().nullable(),
      detail: z.unknown(),
      ip: z.string().nullable(),
    }),
  ),
});
