import { setupSchema } from "@/lib/domain/account-schema";
import { audit } from "@/lib/server/auth/audit";
import { publicRoute } from "@/lib/server/auth/guard";
import { createSession, sessionCookies } from "@/lib/server/auth/sessions";
import { completeSetup } from "@/lib/server/auth/setup";
import { readJson } from "@/lib/server/platform/http";

export const dynamic = "force-dynamic";

/** POST { token, email, name, password } → 201 { user }, signed in as the first admin | 400 | 403. */
export const POST = publicRoute(async (request, { ip }) => {
  const input = await readJson(request, setupSchema, 4096);
  const user = await completeSetup(input);
  await audit("setup.admin_created", { actorId: user.id, target: user.email, ip });
  const session = await createSession(user.id);
  const response = Response.json({ user }, { status: 201, headers: { "Cache-Control": "no-store" } });
  for (const cookie of sessionCookies(request, session.token, session.expiresAt)) response.headers.append("Set-Cookie", cookie);
  return response;
});
