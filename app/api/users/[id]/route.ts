import { updateUserSchema } from "@/lib/domain/account-schema";
import { recordIdSchema } from "@/lib/domain/record-id";
import { actorUserId, guarded } from "@/lib/server/auth/guard";
import { updateUserWithAudit } from "@/lib/server/auth/users";
import { parseOrThrow, readJson } from "@/lib/server/platform/http";

export const dynamic = "force-dynamic";

/** PATCH { role?, disabled?, password? } → { user }; the user is signed out everywhere. 409: last admin. */
export const PATCH = guarded<{ id: string }>("users.manage", async (request, { params, actor, ip }) => {
  const id = parseOrThrow(recordIdSchema, params.id, "id");
  const change = await readJson(request, updateUserSchema, 4096);
  return Response.json({ user: await updateUserWithAudit(id, change, { actorId: actorUserId(actor), ip }) });
});
