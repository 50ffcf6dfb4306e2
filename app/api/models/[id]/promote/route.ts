import { recordIdSchema } from "@/lib/domain/record-id";
import { audit } from "@/lib/server/auth/audit";
import { actorUserId, guarded } from "@/lib/server/auth/guard";
import { parseOrThrow } from "@/lib/server/platform/http";
import { promoteModelVersion } from "@/lib/server/models/model-registry";

export const dynamic = "force-dynamic";

/** POST → { id, stage, previousId }: this version serves from now on; the one serving before it is a candidate again. */
export const POST = guarded<{ id: string }>("models.promote", async (_request, { params, actor, ip }) => {
  const id = parseOrThrow(recordIdSchema, params.id, "id");
  const { promoted, previous } = await promoteModelVersion(id, { actorId: actorUserId(actor) });
  await audit("model.promoted", { actorId: actorUserId(actor), target: `${promoted.name} v${promoted.version}`, detail: { modelVersionId: id, previousId: previous?.id ?? null }, ip });
  return Response.json({ id: promoted.id, stage: promoted.stage, previousId: previous?.id ?? null });
});
