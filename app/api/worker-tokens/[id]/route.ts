import { recordIdSchema } from "@/lib/domain/record-id";
import { actorUserId, guarded } from "@/lib/server/auth/guard";
import { parseOrThrow } from "@/lib/server/platform/http";
import { revokeWorkerToken } from "@/lib/server/training/worker-tokens";

export const dynamic = "force-dynamic";

/** DELETE → 204: the token is refused from now on; a worker using it stops within one lease. 404 when unknown or already revoked. */
export const DELETE = guarded<{ id: string }>("training.work", async (_request, { params, actor, ip }) => {
  const id = parseOrThrow(recordIdSchema, params.id, "id");
  await revokeWorkerToken(id, { actorId: actorUserId(actor), ip });
  return new Response(null, { status: 204 });
});
