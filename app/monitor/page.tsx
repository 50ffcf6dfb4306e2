import { DriftDashboard } from "@/components/monitoring/drift-dashboard";
import type { MonitoringDashboardView } from "@/lib/contracts/http/monitoring";
import { can } from "@/lib/domain/permissions";
import { requirePageUser } from "@/app/_server/page-auth";
import { monitoringDashboard } from "@/lib/server/monitoring/dashboard";

export const dynamic = "force-dynamic";

export default async function MonitorPage() {
  const user = await requirePageUser("data.view");
  // Through JSON, so the first render and the refreshes see the same shapes (dates as strings).
  const initial = JSON.parse(JSON.stringify(await monitoringDashboard({ hours: 24 }))) as MonitoringDashboardView;
  return (
    <>
      <h1>Monitor</h1>
      <p className="muted">Drift of the production model&apos;s live inputs and predictions against its baseline. Reviewers triage the alerts and send their images back to labeling.</p>
      <DriftDashboard initial={initial} canTriage={can(user.role, "alerts.triage")} canManage={can(user.role, "thresholds.manage")} />
    </>
  );
}
