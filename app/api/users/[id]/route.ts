import { updateUserSchema } from "@/lib/domain/account-schema";
import { recordIdSchema } from "@/lib/domain/record-id";
import { audit } from "@/lib/server/auth/audit";
import { actorUserId, guarded } from "@/lib/server/auth/guard";
import { AccountError, updateUser } from "@/lib/server/auth/users";
import { HttpError, parseOrThrow, readJson } from "@/lib/server/platform/http";

export const dynamic = "force-dynamic";

/** PATCH { role?, disabled?, password? } → { user }; the user is signed out everywhere. 409: last admin. */
export const PATCH = guarded<{ id: string }>("users.manage", async (request, { params, actor, ip }) => {
  const id = parseOrThrow(recordIdSchema, params.id, "id");
  const change = await readJson(request, updateUserSchema, 4096);
  let result;
  try {
    result = await updateUser(id, change);
  } catch (error) {
    if (error instanceof AccountError) throw new HttpError(error.status, error.message);
    throw error;
  }
  const { before, after } = result;
  const entry = { actorId: actorUserId(actor), target: after.email, ip };
  if (change.role !== undefined && change.role !== before.role) await audit("user.role_changed", { ...entry, detail: { from: before.role, to: after.role } });
  if (change.disabled === true && !before.disabledAt) await audit("user.disabled", entry);
  if (change.disabled === false && before.disabledAt) await audit("user.enabled", entry);
  if (change.password !== undefined) await audit("user.password_reset", entry);
  return Response.json({ user: after });
});
