import { audit } from "@/lib/server/auth/audit";
import { actorUserId, guarded } from "@/lib/server/auth/guard";
import { rollBackProduction } from "@/lib/server/models/model-registry";

export const dynamic = "force-dynamic";

/** POST → { id, stage, previousId }: the version the current production one replaced serves again. */
export const POST = guarded("models.promote", async (_request, { actor, ip }) => {
  const { promoted, previous } = await rollBackProduction({ actorId: actorUserId(actor) });
  await audit("model.promoted", { actorId: actorUserId(actor), target: `${promoted.name} v${promoted.version}`, detail: { modelVersionId: promoted.id, previousId: previous?.id ?? null, rollback: true }, ip });
  return Response.json({ id: promoted.id, stage: promoted.stage, previousId: previous?.id ?? null });
});
