import Link from "next/link";
import { DataTable } from "@/components/data-table";
import { EmptyState } from "@/components/empty-state";
import { JobStatusPill } from "@/components/training/job-status-pill";
import { NewTrainingJobForm } from "@/components/training/new-job-form";
import { StatePill } from "@/components/ui/state-pill";
import { Time } from "@/components/ui/time";
import { cliNameOf, DETECTOR_FAMILY_CATALOGUE, DETECTOR_FAMILY_IDS } from "@/lib/domain/detector-families";
import { can } from "@/lib/domain/permissions";
import { isOneOf } from "@/lib/domain/states";
import { jobDurationMs } from "@/lib/domain/training-phases";
import type { WorkerView } from "@/lib/contracts/http/health";
import { formatCount, formatDuration, formatNumber, formatPercent } from "@/lib/presentation/format";
import { WORKER_STATUS_WORDS } from "@/lib/presentation/status-words";
import { wordOf } from "@/lib/presentation/word-of";
import { listDatasetSummaries } from "@/lib/server/datasets/datasets";
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
  const now = Date.now();
  const duration = (job: (typeof jobs)[number]) => {
    const ms = jobDurationMs(job, now);
    if (ms === null) return "—";
    return job.finishedAt === null ? `${formatDuration(ms)} so far` : formatDuration(ms);
  };
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
        <EmptyState title="No worker has reported in the last day" action={{ href: "/workers", label: "Workers and worker tokens" }}>
          <code>npm start</code> runs one beside the web server; a machine elsewhere runs <code>npm run worker</code> with a worker token.
        </EmptyState>
      ) : (
        <>
          <p className="muted" data-testid="train-worker-summary">
            {workerSummary(workers)} Their machines, backends and tokens: <Link href="/workers">Workers</Link>.
          </p>
          <DataTable
            label="Workers"
            rows={workers}
            rowKey={(w) => w.id}
            columns={[
              { header: "Worker", cell: (w) => w.id },
              { header: "Status", cell: (w) => <StatePill word={w.alive ? wordOf(WORKER_STATUS_WORDS, w.status) : WORKER_STATUS_WORDS.gone} /> },
              { header: "Current job", cell: (w) => (w.currentJob ? <Link href={`/train/${w.currentJob.id}`}>{w.currentJob.datasetName}, {formatPercent(w.currentJob.progress, 0)}</Link> : "—") },
              { header: "Last heartbeat", cell: (w) => <Time value={w.lastHeartbeatAt} relative /> },
            ]}
          />
        </>
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
            {
              header: "Job",
              cell: (j) => (
                <Link href={`/train/${j.id}`}>
                  <Time value={j.createdAt} />
                </Link>
              ),
            },
            { header: "Dataset", cell: (j) => j.dataset.name },
            { header: "Kind", cell: (j) => (isOneOf(DETECTOR_FAMILY_IDS, j.kind) ? DETECTOR_FAMILY_CATALOGUE[j.kind].name : j.kind) },
            { header: "Status", cell: (j) => <JobStatusPill status={j.status} /> },
            { header: "Progress", numeric: true, cell: (j) => formatPercent(j.progress, 0) },
            { header: "Duration", numeric: true, cell: duration },
            {
              header: "Model",
              cell: (j) => {
                if (!j.modelVersion) return "—";
                const name = `${j.modelVersion.name} v${j.modelVersion.version}`;
                // A model's page is its test-split evaluation; before it is scored, the Models table.
                return <Link href={j.testEvaluation ? `/models/evaluations/${j.testEvaluation.id}` : "/models"}>{name}</Link>;
              },
            },
            { header: "Test mAP50", numeric: true, cell: (j) => (j.testEvaluation ? formatNumber(j.testEvaluation.mAP50, 3) : "—") },
          ]}
        />
      )}
    </>
  );
}

/** "2 training workers alive, 1 training a job; 1 not responding.": the Workers page has the details. */
function workerSummary(workers: WorkerView[]): string {
  const training = workers.filter((w) => w.kind === "training");
  const alive = training.filter((w) => w.alive);
  const busy = alive.filter((w) => w.currentJob !== null).length;
  const gone = training.length - alive.length;
  return `${formatCount(alive.length, "training worker")} alive${alive.length > 0 ? `, ${formatNumber(busy)} training a job` : ""}${gone > 0 ? `; ${formatNumber(gone)} not responding` : ""}.`;
}
