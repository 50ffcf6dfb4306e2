import { audit } from "@/lib/server/auth/audit";
import { guarded } from "@/lib/server/auth/guard";
import { clearedSessionCookies, deleteSession } from "@/lib/server/auth/sessions";

export const dynamic = "force-dynamic";

/** POST → 204, the session deleted on the server and its cookies cleared. */
export const POST = guarded("data.view", async (request, { actor, ip }) => {
  if (actor.kind !== "user") return Response.json({ error: "not a session" }, { status: 400 });
  await deleteSession(actor.token);
  await audit("logout", { actorId: actor.user.id, ip });
  const response = new Response(null, { status: 204 });
  for (const cookie of clearedSessionCookies(request)) response.headers.append("Set-Cookie", cookie);
  return response;
});
