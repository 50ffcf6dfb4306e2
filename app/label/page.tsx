import Link from "next/link";
import { DataTable } from "@/components/data-table";
import { EmptyState } from "@/components/empty-state";
import { can } from "@/lib/domain/permissions";
import { LABEL_STATUSES } from "@/lib/domain/states";
import { formatNumber } from "@/lib/presentation/format";
import { LABEL_STATUS_WORDS } from "@/lib/presentation/status-words";
import { listDatasetSummaries } from "@/lib/server/datasets/datasets";
import { requirePageUser } from "@/app/_server/page-auth";

export const dynamic = "force-dynamic";

export default async function LabelPage() {
  const user = await requirePageUser("data.view");
  const datasets = await listDatasetSummaries();
  return (
    <>
      <h1>Label</h1>
      <p className="muted">Labeling queues per dataset: a count opens those images, and each image walks the queue with A/D. Open an image to fix its boxes in the editor.</p>
      {datasets.length === 0 ? (
        <EmptyState title="No datasets to label" action={can(user.role, "datasets.import") ? { href: "/datasets/import", label: "Import a dataset" } : undefined}>
          {can(user.role, "datasets.import") ? null : "An ML lead imports datasets; their images then queue here."}
        </EmptyState>
      ) : (
        <DataTable
          label="Labeling queues"
          rows={datasets}
          rowKey={(d) => d.id}
          columns={[
            { header: "Dataset", cell: (d) => d.name },
            ...LABEL_STATUSES.map((status) => ({
              header: LABEL_STATUS_WORDS[status].label,
              numeric: true,
              cell: (d: (typeof datasets)[number]) => <Link href={`/datasets/${d.id}?labelStatus=${status}`}>{formatNumber(d.imagesPerLabelStatus[status] ?? 0)}</Link>,
            })),
          ]}
        />
      )}
    </>
  );
}
