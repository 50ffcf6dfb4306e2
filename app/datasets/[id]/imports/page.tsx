import Link from "next/link";
import { notFound } from "next/navigation";
import { DataTable } from "@/components/data-table";
import { DatasetTabs } from "@/components/dataset-tabs";
import { Time } from "@/components/ui/time";
import { formatNumber } from "@/lib/presentation/format";
import { recordIdSchema } from "@/lib/domain/record-id";
import { findDataset } from "@/lib/server/datasets/datasets";
import { listImportRuns } from "@/lib/server/datasets/import-runs";
import { can } from "@/lib/domain/permissions";
import { requirePageUser } from "@/app/_server/page-auth";

export const dynamic = "force-dynamic";

export default async function ImportsPage({ params }: { params: Promise<{ id: string }> }) {
  const user = await requirePageUser("data.view");
  const id = recordIdSchema.safeParse((await params).id);
  const dataset = id.success ? await findDataset(id.data) : null;
  if (!dataset) notFound();
  const runs = await listImportRuns(dataset.id);
  return (
    <>
      <h1>{dataset.name}</h1>
      <DatasetTabs datasetId={dataset.id} active="imports" canEvaluatePredictions={can(user.role, "training.manage")} />
      <DataTable
        label="Import runs"
        rows={runs}
        rowKey={(r) => r.id}
        columns={[
          {
            header: "Started",
            cell: (r) => (
              <Link href={`/datasets/${dataset.id}/imports/${r.id}`}>
                <Time value={r.startedAt} />
              </Link>
            ),
          },
          { header: "Source", cell: (r) => r.source },
          { header: "Added", numeric: true, cell: (r) => r.summary?.imagesAdded ?? 0 },
          { header: "Unchanged", numeric: true, cell: (r) => r.summary?.imagesUnchanged ?? 0 },
          { header: "Kept edits", numeric: true, cell: (r) => r.summary?.imagesChanged ?? 0 },
          { header: "Boxes", numeric: true, cell: (r) => r.summary?.boxesAdded ?? 0 },
          {
            header: "Errors / warnings / info",
            numeric: true,
            cell: (r) => {
              const c = r.summary?.issueCounts;
              return c ? `${formatNumber(c.error)} / ${formatNumber(c.warning)} / ${formatNumber(c.info)}` : r._count.issues;
            },
          },
        ]}
      />
    </>
  );
}
