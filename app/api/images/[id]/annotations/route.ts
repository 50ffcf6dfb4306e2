import { saveAnnotationsSchema } from "@/lib/domain/annotation-schema";
import { recordIdSchema } from "@/lib/domain/record-id";
import { getAnnotations, labelAuthorOf, saveAnnotations } from "@/lib/server/labels/annotations";
import { guarded } from "@/lib/server/auth/guard";
import { HttpError, readJson } from "@/lib/server/platform/http";

export const dynamic = "force-dynamic";

const MAX_BODY_BYTES = 2 * 1024 * 1024;

/** GET → { version, set }: the labels and the version an editor must send back when saving. */
export const GET = guarded<{ id: string }>("data.view", async (_request, { params }) => {
  const id = recordIdSchema.safeParse(params.id);
  if (!id.success) throw new HttpError(404, "unknown image");
  return Response.json(await getAnnotations(id.data), { headers: { "Cache-Control": "no-store" } });
});

/**
 * PUT { expectedVersion, boxes, labelStatus?, prelabel? } → 200 { version, labelStatus } | 409 { error, current? } | 400 | 403 | 404.
 * The review rules (lib/domain/label-status.ts) decide the status; prelabel saves a model's boxes onto an unlabeled image.
 */
export const PUT = guarded<{ id: string }>("labels.edit", async (request, { params, actor }) => {
  const id = recordIdSchema.safeParse(params.id);
  if (!id.success) throw new HttpError(404, "unknown image");
  const body = await readJson(request, saveAnnotationsSchema, MAX_BODY_BYTES);
  return Response.json(await saveAnnotations(id.data, body, { author: labelAuthorOf(actor) }));
});
