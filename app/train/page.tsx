import { EmptyState } from "@/components/empty-state";
import { listTrainingJobs } from "@/lib/server/training-jobs";
import { listWorkers } from "@/lib/server/worker-registry";

export const dynamic = "force-dynamic";

export default async function TrainPage() {
  const [workers, jobs] = await Promise.all([listWorkers(), listTrainingJobs()]);
  return (
    <>
      <h1>Train</h1>
      <h2>Workers</h2>
      {workers.length === 0 ? (
        <EmptyState title="No worker has reported in the last day">Start one with <code>npm run worker</code>.</EmptyState>
      ) : (
        <table className="table" aria-label="Workers">
          <thead>
            <tr>
              <th scope="col">Worker</th>
              <th scope="col">Kind</th>
              <th scope="col">Status</th>
              <th scope="col">Last heartbeat</th>
            </tr>
          </thead>
          <tbody>
            {workers.map((w) => (
              <tr key={w.id}>
                <td>{w.id}</td>
                <td>{w.kind}</td>
                <td>{w.alive ? w.status : "not responding"}</td>
                <td>{new Date(w.lastHeartbeatAt).toLocaleTimeString("en-GB")}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <h2>Training jobs</h2>
      {jobs.length === 0 ? (
        <EmptyState title="No training jobs yet">Launching jobs arrives with the training work.</EmptyState>
      ) : (
        <table className="table" aria-label="Training jobs">
          <thead>
            <tr>
              <th scope="col">Dataset</th>
              <th scope="col">Kind</th>
              <th scope="col">Status</th>
              <th scope="col" className="num">Progress</th>
            </tr>
          </thead>
          <tbody>
            {jobs.map((j) => (
              <tr key={j.id}>
                <td>{j.dataset.name}</td>
                <td>{j.kind}</td>
                <td>{j.status}</td>
                <td className="num">{Math.round(j.progress * 100)} %</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
