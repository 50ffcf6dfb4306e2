import { z } from "zod";
import { recordIdSchema } from "@/lib/domain/record-id";
import { labelAuthorOf, restoreRevision } from "@/lib/server/labels/annotations";
import { audit } from "@/lib/server/auth/audit";
import { actorUserId, guarded } from "@/lib/server/auth/guard";
import { HttpError, readJson } from "@/lib/server/platform/http";

export const dynamic = "force-dynamic";

const bodySchema = z.object({ expectedVersion: z.number().int().min(0) });

/** POST { expectedVersion } → restores revision :version as a new revision, under the same review rules as a save → { version, labelStatus }. */
export const POST = guarded<{ id: string; version: string }>("labels.edit", async (request, { params, actor, ip }) => {
  const id = recordIdSchema.safeParse(params.id);
  const version = z.coerce.number().int().min(1).safeParse(params.version);
  if (!id.success || !version.success) throw new HttpError(404, "unknown revision");
  const body = await readJson(request, bodySchema, 1024, { invalid: "expectedVersion: send the version the editor shows" });
  const restored = await restoreRevision(id.data, version.data, body.expectedVersion, { author: labelAuthorOf(actor) });
  await audit("label.restored", { actorId: actorUserId(actor), target: id.data, detail: { restoredVersion: version.data }, ip });
  return Response.json(restored);
});
