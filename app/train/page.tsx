import { DataTable } from "@/components/data-table";
import { EmptyState } from "@/components/empty-state";
import { listTrainingJobs } from "@/lib/server/training-jobs";
import { listWorkers } from "@/lib/server/worker-registry";
import { requirePageUser } from "@/lib/server/auth/page-auth";

export const dynamic = "force-dynamic";

export default async function TrainPage() {
  await requirePageUser("data.view");
  const [workers, jobs] = await Promise.all([listWorkers(), listTrainingJobs()]);
  return (
    <>
      <h1>Train</h1>
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
        <EmptyState title="No training jobs yet">Launching jobs arrives with the training work.</EmptyState>
      ) : (
        <DataTable
          label="Training jobs"
          rows={jobs}
          rowKey={(j) => j.id}
          columns={[
            { header: "Dataset", cell: (j) => j.dataset.name },
            { header: "Kind", cell: (j) => j.kind },
            { header: "Status", cell: (j) => j.status },
            { header: "Progress", numeric: true, cell: (j) => `${Math.round(j.progress * 100)} %` },
          ]}
        />
      )}
    </>
  );
}
