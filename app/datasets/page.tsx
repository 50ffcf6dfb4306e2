import { DatasetTable } from "@/components/dataset-table";
import { EmptyState } from "@/components/empty-state";
import { listDatasetSummaries } from "@/lib/server/datasets";

export const dynamic = "force-dynamic";

export default async function DatasetsPage() {
  const datasets = await listDatasetSummaries();
  return (
    <>
      <h1>Datasets</h1>
      {datasets.length === 0 ? (
        <EmptyState title="No datasets yet">
          Import a Pascal VOC folder with <code>npm run import -- path/to/voc --name my-dataset</code>.
        </EmptyState>
      ) : (
        <DatasetTable datasets={datasets} />
      )}
    </>
  );
}
