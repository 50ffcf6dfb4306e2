import Link from "next/link";
import { notFound } from "next/navigation";
import { TrainingJobMonitor } from "@/components/training/job-monitor";
import { Time } from "@/components/ui/time";
import { DETECTOR_FAMILY_CATALOGUE, DETECTOR_FAMILY_IDS } from "@/lib/domain/detector-families";
import { isOneOf } from "@/lib/domain/states";
import { can } from "@/lib/domain/permissions";
import { recordIdSchema } from "@/lib/domain/record-id";
import { requirePageUser } from "@/app/_server/page-auth";
import { trainingJobHeading } from "@/lib/server/training/training-jobs";

export const dynamic = "force-dynamic";

export default async function TrainingJobPage({ params }: { params: Promise<{ jobId: string }> }) {
  const user = await requirePageUser("data.view");
  const id = recordIdSchema.safeParse((await params).jobId);
  const job = id.success ? await trainingJobHeading(id.data) : null;
  if (!job) notFound();
  return (
    <>
      <p className="crumbs">
        <Link href="/train">← Train</Link>
      </p>
      <h1>
        Training job{" "}
        <span className="muted small">
          {isOneOf(DETECTOR_FAMILY_IDS, job.kind) ? DETECTOR_FAMILY_CATALOGUE[job.kind].name : job.kind} on {job.dataset.name}, queued <Time value={job.createdAt} />
        </span>
      </h1>
      <TrainingJobMonitor jobId={job.id} canManage={can(user.role, "training.manage")} />
    </>
  );
}
