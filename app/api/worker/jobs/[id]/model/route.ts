import { registerModelRequestSchema } from "@/lib/contracts/http/worker-protocol";
import { guarded } from "@/lib/server/auth/guard";
import { readJson } from "@/lib/server/platform/http";
import { blobStore } from "@/lib/server/platform/storage";
import { remoteRegisterModel, workerOf } from "@/lib/server/training/remote/worker-api";

export const dynamic = "force-dynamic";

/** POST {name, files: upload ids, classes, inputSize, parameterCount, trainingMetrics} → the registered version, after the files are checked. */
export const POST = guarded<{ id: string }>(
  "training.work",
  async (request, { actor, params }) => {
    const worker = await workerOf(request, actor);
    const model = await readJson(request, registerModelRequestSchema, 256 * 1024);
    return Response.json(await remoteRegisterModel(worker, params.id, model, { store: blobStore() }), { status: 201 });
  },
  { apiKey: true },
);
