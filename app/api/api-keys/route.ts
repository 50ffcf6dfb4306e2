import { createApiKeySchema } from "@/lib/domain/account-schema";
import { audit } from "@/lib/server/auth/audit";
import { actorUserId, guarded } from "@/lib/server/auth/guard";
import { createApiKey, listApiKeys } from "@/lib/server/auth/api-keys";
import { readJson } from "@/lib/server/platform/http";

export const dynamic = "force-dynamic";

/** GET → { keys } (prefix, scopes, last use; never the key), worker tokens left out. */
export const GET = guarded("apikeys.manage", async () =>
  Response.json({ keys: await listApiKeys() }, { headers: { "Cache-Control": "no-store" } }),
);

/** POST { name, scopes } → 201 { key, id }: the key is shown this once and stored only hashed. 400 for the worker scope. */
export const POST = guarded("apikeys.manage", async (request, { actor, ip }) => {
  const input = await readJson(request, createApiKeySchema, 4096);
  const createdById = actorUserId(actor);
  const { key, record } = await createApiKey({ ...input, createdById });
  await audit("apikey.created", { actorId: createdById, target: `${record.name} (${record.prefix})`, detail: { scopes: input.scopes }, ip });
  return Response.json({ key, id: record.id, prefix: record.prefix }, { status: 201, headers: { "Cache-Control": "no-store" } });
});
