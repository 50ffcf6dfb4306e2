import Link from "next/link";
import { AlertDetail } from "@/components/monitoring/alert-detail";
import { can } from "@/lib/domain/permissions";
import { recordIdSchema } from "@/lib/domain/record-id";
import { requirePageUser } from "@/app/_server/page-auth";
import { listDatasetSummaries } from "@/lib/server/datasets/datasets";
import { notFound } from "next/navigation";

export const dynamic = "force-dynamic";

export default async function AlertPage({ params }: { params: Promise<{ id: string }> }) {
  const user = await requirePageUser("data.view");
  const id = recordIdSchema.safeParse((await params).id);
  if (!id.success) notFound();
  const datasets = await listDatasetSummaries();
  return (
    <>
      <p className="crumbs">
        <Link href="/monitor">Monitor</Link> / <Link href="/monitor/alerts">Alerts</Link>
      </p>
      <AlertDetail id={id.data} userId={user.id} canTriage={can(user.role, "alerts.triage")} canTrain={can(user.role, "training.manage")} datasets={datasets.map((d) => ({ id: d.id, name: d.name }))} />
    </>
  );
}
