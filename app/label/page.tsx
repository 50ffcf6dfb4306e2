import { DataTable } from "@/components/data-table";
import { EmptyState } from "@/components/empty-state";
import { LABEL_STATUSES } from "@/lib/domain/states";
import { listDatasetSummaries } from "@/lib/server/datasets";

export const dynamic = "force-dynamic";

export default async function LabelPage() {
  const datasets = await listDatasetSummaries();
  return (
    <>
      <h1>Label</h1>
      <p className="muted">Labeling queues per dataset. The box editor is not built yet: it is the next step after dataset import.</p>
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
              cell: (d: (typeof datasets)[number]) => d.imagesPerLabelStatus[status] ?? 0,
            })),
          ]}
        />
      )}
    </>
  );
}
