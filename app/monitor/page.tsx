import { DataTable } from "@/components/data-table";
import { EmptyState } from "@/components/empty-state";
import { listAlerts } from "@/lib/server/monitoring/alerts";
import { requirePageUser } from "@/lib/server/auth/page-auth";

export const dynamic = "force-dynamic";

export default async function MonitorPage() {
  await requirePageUser("data.view");
  const alerts = await listAlerts({ status: "unresolved" });
  return (
    <>
      <h1>Monitor</h1>
      {alerts.length === 0 ? (
        <EmptyState title="No open drift alerts">Alerts appear once a model serves predictions and has a baseline.</EmptyState>
      ) : (
        <DataTable
          label="Open drift alerts"
          rows={alerts}
          rowKey={(a) => a.id}
          columns={[
            { header: "Raised", cell: (a) => a.createdAt.toISOString().slice(0, 16).replace("T", " ") },
            { header: "Feature", cell: (a) => a.feature },
            { header: "Metric", cell: (a) => a.metric },
            { header: "Value / threshold", numeric: true, cell: (a) => `${a.value.toFixed(3)} / ${a.threshold.toFixed(3)}` },
            { header: "Severity", cell: (a) => a.severity },
            { header: "Status", cell: (a) => a.status },
          ]}
        />
      )}
    </>
  );
}
