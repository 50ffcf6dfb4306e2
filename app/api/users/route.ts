import { createUserSchema } from "@/lib/domain/account-schema";
import { audit } from "@/lib/server/auth/audit";
import { guarded } from "@/lib/server/auth/guard";
import { createUser, listUsers } from "@/lib/server/auth/users";
import { readJson } from "@/lib/server/platform/http";

export const dynamic = "force-dynamic";

/** GET → { users } (never password hashes). */
export const GET = guarded("users.manage", async () => Response.json({ users: await listUsers() }, { headers: { "Cache-Control": "no-store" } }));

/** POST { email, name, role, password } → 201 { user } | 409 when the email is taken. */
export const POST = guarded("users.manage", async (request, { actor, ip }) => {
  const input = await readJson(request, createUserSchema, 4096);
  const user = await createUser(input);
  await audit("user.created", { actorId: actor.kind === "user" ? actor.user.id : null, target: user.email, detail: { role: user.role }, ip });
  return Response.json({ user }, { status: 201 });
});
