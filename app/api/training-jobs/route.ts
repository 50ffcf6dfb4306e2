import { actorUserId, guarded } from "@/lib/server/auth/guard";
import { readJson } from "@/lib/server/platform/http";
import { launchTrainingJob, listTrainingJobs, newTrainingJobSchema } from "@/lib/server/training/training-jobs";

export const dynamic = "force-dynamic";

/** GET → { jobs } newest first. */
export const GET = guarded("data.view", async () => Response.json({ jobs: await listTrainingJobs() }, { headers: { "Cache-Control": "no-store" } }));

/** POST { datasetId, kind, config } → 201 { id }: queued for the next free worker. */
export const POST = guarded("training.manage", async (request, { actor }) => {
  const input = await readJson(request, newTrainingJobSchema, 8 * 1024);
  const job = await launchTrainingJob(input, actorUserId(actor));
  return Response.json({ id: job.id }, { status: 201 });
});
