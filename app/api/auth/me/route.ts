import { permissionsOf } from "@/lib/domain/permissions";
import { guarded } from "@/lib/server/auth/guard";

export const dynamic = "force-dynamic";

/** GET → { user, permissions } of the signed-in person. */
export const GET = guarded("data.view", async (_request, { actor }) => {
  if (actor.kind !== "user") return Response.json({ error: "not a session" }, { status: 400 });
  return Response.json({ user: actor.user, permissions: permissionsOf(actor.user.role) }, { headers: { "Cache-Control": "no-store" } });
});
