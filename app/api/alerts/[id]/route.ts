import { recordIdSchema } from "@/lib/domain/record-id";
import { guarded } from "@/lib/server/auth/guard";
import { HttpError } from "@/lib/server/platform/http";
import { getAlert } from "@/lib/server/monitoring/alerts";
import { rootCause } from "@/lib/server/monitoring/root-cause";

export const dynamic = "force-dynamic";

/** GET → the alert with its timeline and its root cause (features that moved, images, slices). */
export const GET = guarded<{ id: string }>("data.view", async (_request, { params }) => {
  const id = recordIdSchema.safeParse(params.id);
  if (!id.success) throw new HttpError(404, "unknown alert");
  return Response.json({ alert: await getAlert(id.data), rootCause: await rootCause(id.data) });
});
