import Link from "next/link";
import { DatasetTable } from "@/components/dataset-table";
import { EmptyState } from "@/components/empty-state";
import { listDatasetSummaries } from "@/lib/server/datasets";

export const dynamic = "force-dynamic";

export default async function DatasetsPage() {
  const datasets = await listDatasetSummaries();
  return (
    <>
      <div className="page-head">
        <h1>Datasets</h1>
        <Link className="button" href="/datasets/import">
          Import a dataset
        </Link>
      </div>
      {datasets.length === 0 ? (
        <EmptyState title="No datasets yet">
          <Link href="/datasets/import">Import a Pascal VOC dataset</Link>, or from a terminal <code>npm run import -- path/to/voc --name my-dataset</code>.
        </EmptyState>
      ) : (
        <DatasetTable datasets={datasets} />
      )}
    </>
  );
}
