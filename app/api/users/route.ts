import { createUserSchema } from "@/lib/domain/account-schema";
import { audit } from "@/lib/server/auth/audit";
import { guarded } from "@/lib/server/auth/guard";
import { AccountError, createUser, listUsers } from "@/lib/server/auth/users";
import { HttpError, readJson } from "@/lib/server/platform/http";

export const dynamic = "force-dynamic";

/** GET → { users } (never password hashes). */
export const GET = guarded("users.manage", async () => Response.json({ users: await listUsers() }, { headers: { "Cache-Control": "no-store" } }));

/** POST { email, name, role, password } → 201 { user } | 409 when the email is taken. */
export const POST = guarded("users.manage", async (request, { actor, ip }) => {
  const input = await readJson(request, createUserSchema, 4096);
  try {
    const user = await createUser(input);
    await audit("user.created", { actorId: actor.kind === "user" ? actor.user.id : null, target: user.email, detail: { role: user.role }, ip });
    return Response.json({ user }, { status: 201 });
  } catch (error) {
    if (error instanceof AccountError) throw new HttpError(error.status, error.message);
    throw error;
  }
});
