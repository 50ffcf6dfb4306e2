import { testDetectionsRequestSchema } from "@/lib/contracts/http/worker-protocol";
import { guarded } from "@/lib/server/auth/guard";
import { readJson } from "@/lib/server/platform/http";
import { blobStore } from "@/lib/server/platform/storage";
import { remoteTestEvaluation, workerOf } from "@/lib/server/training/remote/worker-api";

export const dynamic = "force-dynamic";

/** POST {modelVersionId, images: [{imageId, detections}]} → the stored test evaluation: the server scores the worker's detections against test labels it never sent. */
export const POST = guarded<{ id: string }>(
  "training.work",
  async (request, { actor, params }) => {
    const worker = await workerOf(request, actor);
    const detections = await readJson(request, testDetectionsRequestSchema, 64 * 1024 * 1024);
    return Response.json(await remoteTestEvaluation(worker, params.id, detections, { store: blobStore() }), { status: 201 });
  },
  { apiKey: true },
);
