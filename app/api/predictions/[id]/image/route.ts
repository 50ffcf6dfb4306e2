import { recordIdSchema } from "@/lib/domain/record-id";
import { guarded } from "@/lib/server/auth/guard";
import { immutableBytesResponse } from "@/lib/server/platform/immutable-response";
import { blobStore } from "@/lib/server/platform/storage";
import { keptPredictionImage } from "@/lib/server/serving/prediction-log";

export const dynamic = "force-dynamic";

/** The image a caller let us keep with its prediction (reviewers and up: these are production photos). */
export const GET = guarded<{ id: string }>("alerts.triage", async (request, { params }) => {
  const id = recordIdSchema.safeParse(params.id);
  if (!id.success) return new Response("not found", { status: 404 });
  const image = await keptPredictionImage(id.data, { store: blobStore() });
  if ("missing" in image) return new Response(`not found (${image.missing})`, { status: 404 });
  return immutableBytesResponse(request, image, "private");
});
