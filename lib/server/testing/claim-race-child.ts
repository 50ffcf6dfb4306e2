/**
 * Test helper process for the cross-process claim race (job-queue.test.ts): its workers
 * (WORKER_IDS, comma-separated) claim one_stage jobs from DATABASE_URL concurrently until the
 * queue is empty, and it prints {workerId: [jobId, …]} as JSON. It says "ready" and waits for a
 * line on stdin first, so all processes start claiming at the same moment.
 */
import { once } from "node:events";
import { db } from "../platform/db";
import { claimNextJob } from "../training/job-queue";

const workerIds = (process.env.WORKER_IDS ?? "").split(",").filter(Boolean);

process.stdout.write("ready\n");
await once(process.stdin, "data");

const claims = await Promise.all(
  workerIds.map(async (workerId) => {
    const taken: string[] = [];
    for (;;) {
      const job = await claimNextJob(workerId, { kinds: ["one_stage"], leaseMs: 60_000 });
      if (!job) return [workerId, taken] as const;
      taken.push(job.id);
    }
  }),
);
process.stdout.write(`${JSON.stringify(Object.fromEntries(claims))}\n`);
await db().$disconnect();
process.exit(0);
