import { createWorkerTokenSchema } from "@/lib/contracts/http/worker-tokens";
import { actorUserId, guarded } from "@/lib/server/auth/guard";
import { readJson } from "@/lib/server/platform/http";
import { createWorkerToken, listWorkerTokens } from "@/lib/server/training/worker-tokens";

export const dynamic = "force-dynamic";

/** GET → { tokens } (prefix, last use, the workers that use each; never the token). */
export const GET = guarded("training.work", async () => Response.json({ tokens: await listWorkerTokens() }));

/** POST { name } → 201 { token, id, name, prefix }: the token is shown this once and stored only hashed. */
export const POST = guarded("training.work", async (request, { actor, ip }) => {
  const input = await readJson(request, createWorkerTokenSchema, 4096);
  return Response.json(await createWorkerToken(input, { actorId: actorUserId(actor), ip }), { status: 201 });
});
