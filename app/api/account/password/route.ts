import { changePasswordSchema } from "@/lib/domain/account-schema";
import { guarded } from "@/lib/server/auth/guard";
import { changeOwnPassword } from "@/lib/server/auth/password-change";
import { HttpError, readJson } from "@/lib/server/platform/http";

export const dynamic = "force-dynamic";

/**
 * POST { currentPassword, newPassword } → 204; other sessions of the account are signed out.
 * 400: wrong current password; 429 (Retry-After) once the account's wrong-password budget, shared
 * with sign-in, is spent.
 */
export const POST = guarded("data.view", async (request, { actor, ip }) => {
  if (actor.kind !== "user") throw new HttpError(400, "not a session");
  const input = await readJson(request, changePasswordSchema, 4096);
  const result = await changeOwnPassword(actor.user, input, { keepSessionId: actor.sessionId, ip });
  if (!result.ok) throw new HttpError(result.status, result.error, {}, result.retryAfterSeconds ? { "Retry-After": String(result.retryAfterSeconds) } : {});
  return new Response(null, { status: 204 });
});
