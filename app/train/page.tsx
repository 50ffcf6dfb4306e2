import Link from "next/link";
import { DataTable } from "@/components/data-table";
import { NewTrainingJobForm } from "@/components/training/new-job-form";
import { cliNameOf, DETECTOR_FAMILY_IDS } from "@/lib/domain/detector-families";
import { can } from "@/lib/domain/permissions";
import { listDatasetSummaries } from "@/lib/server/datasets/datasets";
import { EmptyState } from "@/components/empty-state";
import { listTrainingJobs } from "@/lib/server/training/training-jobs";
import { presetDefaults } from "@/lib/server/training/training-config";
import { listWorkers } from "@/lib/server/training/worker-registry";
import { requirePageUser } from "@/app/_server/page-auth";

export const dynamic = "force-dynamic";

/** ?dataset=ID opens the form on that dataset (the monitor's "retrain on the improved dataset" link). */
export default async function TrainPage({ searchParams }: { searchParams: Promise<{ dataset?: string }> }) {
  const { dataset } = await searchParams;
  const user = await requirePageUser("data.view");
  const [workers, jobs, datasets] = await Promise.all([listWorkers(), listTrainingJobs(), listDatasetSummaries()]);
  return (
    <>
      <h1>Train</h1>
      {can(user.role, "training.manage") ? (
        <details open={jobs.length === 0 || dataset !== undefined}>
          <summary>New training job</summary>
          <NewTrainingJobForm datasets={datasets.map((d) => ({ id: d.id, name: d.name }))} presets={presetDefaults()} initialDatasetId={dataset} />
        </details>
      ) : null}
      <h2>Workers</h2>
      {workers.length === 0 ? (
        <EmptyState title="No worker has reported in the last day">Start one with <code>npm run worker</code>.</EmptyState>
      ) : (
        <DataTable
          label="Workers"
          rows={workers}
          rowKey={(w) => w.id}
          columns={[
            { header: "Worker", cell: (w) => w.id },
            { header: "Kind", cell: (w) => w.kind },
            { header: "Status", cell: (w) => (w.alive ? w.status : "not responding") },
            { header: "Last heartbeat", cell: (w) => new Date(w.lastHeartbeatAt).toLocaleTimeString("en-GB") },
          ]}
        />
      )}
      <h2>Training jobs</h2>
      {jobs.length === 0 ? (
        <EmptyState title="No training jobs yet">An ML lead starts one above, or from a terminal with <code>npm run train -- --dataset NAME --kind {DETECTOR_FAMILY_IDS.map(cliNameOf).join("|")}</code>.</EmptyState>
      ) : (
        <DataTable
          label="Training jobs"
          rows={jobs}
          rowKey={(j) => j.id}
          columns={[
            { header: "Job", cell: (j) => <Link href={`/train/${j.id}`}>{j.createdAt.toISOString().slice(0, 16).replace("T", " ")}</Link> },
            { header: "Dataset", cell: (j) => j.dataset.name },
            { header: "Kind", cell: (j) => j.kind },
            { header: "Status", cell: (j) => j.status },
            { header: "Progress", numeric: true, cell: (j) => `${Math.round(j.progress * 100)} %` },
            { header: "Model", cell: (j) => (j.modelVersion ? `${j.modelVersion.name} v${j.modelVersion.version}` : "") },
          ]}
        />
      )}
    </>
  );
}
