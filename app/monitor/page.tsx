import { EmptyState } from "@/components/empty-state";
import { listOpenAlerts } from "@/lib/server/alerts";

export const dynamic = "force-dynamic";

export default async function MonitorPage() {
  const alerts = await listOpenAlerts();
  return (
    <>
      <h1>Monitor</h1>
      {alerts.length === 0 ? (
        <EmptyState title="No open drift alerts">Alerts appear once a model serves predictions and has a baseline.</EmptyState>
      ) : (
        <table className="table" aria-label="Open drift alerts">
          <thead>
            <tr>
              <th scope="col">Raised</th>
              <th scope="col">Feature</th>
              <th scope="col">Metric</th>
              <th scope="col" className="num">Value / threshold</th>
              <th scope="col">Severity</th>
              <th scope="col">Status</th>
            </tr>
          </thead>
          <tbody>
            {alerts.map((a) => (
              <tr key={a.id}>
                <td>{a.createdAt.toISOString().slice(0, 16).replace("T", " ")}</td>
                <td>{a.feature}</td>
                <td>{a.metric}</td>
                <td className="num">
                  {a.value.toFixed(3)} / {a.threshold.toFixed(3)}
                </td>
                <td>{a.severity}</td>
                <td>{a.status}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
