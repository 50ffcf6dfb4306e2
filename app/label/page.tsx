import Link from "next/link";
import { DataTable } from "@/components/data-table";
import { EmptyState } from "@/components/empty-state";
import { LABEL_STATUSES } from "@/lib/domain/states";
import { listDatasetSummaries } from "@/lib/server/datasets/datasets";
import { requirePageUser } from "@/app/_server/page-auth";

export const dynamic = "force-dynamic";

export default async function LabelPage() {
  await requirePageUser("data.view");
  const datasets = await listDatasetSummaries();
  return (
    <>
      <h1>Label</h1>
      <p className="muted">Labeling queues per dataset: a count opens those images, and each image walks the queue with A/D. Open an image to fix its boxes in the editor.</p>
      {datasets.length === 0 ? (
        <EmptyState title="No datasets to label" />
      ) : (
        <DataTable
          label="Labeling queues"
          rows={datasets}
          rowKey={(d) => d.id}
          columns={[
            { header: "Dataset", cell: (d) => d.name },
            ...LABEL_STATUSES.map((status) => ({
              header: status.replace("_", " "),
              numeric: true,
              cell: (d: (typeof datasets)[number]) => <Link href={`/datasets/${d.id}?labelStatus=${status}`}>{d.imagesPerLabelStatus[status] ?? 0}</Link>,
            })),
          ]}
        />
      )}
    </>
  );
}
