import { changePasswordSchema } from "@/lib/domain/account-schema";
import { audit } from "@/lib/server/auth/audit";
import { guarded } from "@/lib/server/auth/guard";
import { AccountError, changeOwnPassword } from "@/lib/server/auth/users";
import { HttpError, readJson } from "@/lib/server/http";

export const dynamic = "force-dynamic";

/** POST { currentPassword, newPassword } → 204; other sessions of the account are signed out. */
export const POST = guarded("data.view", async (request, { actor, ip }) => {
  if (actor.kind !== "user") throw new HttpError(400, "not a session");
  const input = await readJson(request, changePasswordSchema, 4096);
  try {
    await changeOwnPassword(actor.user.id, input.currentPassword, input.newPassword, actor.sessionId);
  } catch (error) {
    if (error instanceof AccountError) throw new HttpError(error.status, error.message);
    throw error;
  }
  await audit("password.changed", { actorId: actor.user.id, ip });
  return new Response(null, { status: 204 });
});
