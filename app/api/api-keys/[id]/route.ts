import { recordIdSchema } from "@/lib/domain/record-id";
import { audit } from "@/lib/server/auth/audit";
import { actorUserId, guarded } from "@/lib/server/auth/guard";
import { revokeApiKey } from "@/lib/server/auth/api-keys";
import { HttpError, parseOrThrow } from "@/lib/server/platform/http";

export const dynamic = "force-dynamic";

/** DELETE → 204: the key stops working at once (kept, marked revoked, for the record). */
export const DELETE = guarded<{ id: string }>("apikeys.manage", async (_request, { params, actor, ip }) => {
  const id = parseOrThrow(recordIdSchema, params.id, "id");
  if (!(await revokeApiKey(id))) throw new HttpError(404, "unknown or already revoked API key");
  await audit("apikey.revoked", { actorId: actorUserId(actor), target: id, ip });
  return new Response(null, { status: 204 });
});
