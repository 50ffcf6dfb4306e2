import Link from "next/link";
import { DatasetTable } from "@/components/dataset-table";
import { EmptyState } from "@/components/empty-state";
import { listDatasetSummaries } from "@/lib/server/datasets/datasets";
import { can } from "@/lib/domain/permissions";
import { requirePageUser } from "@/app/_server/page-auth";

export const dynamic = "force-dynamic";

export default async function DatasetsPage() {
  const user = await requirePageUser();
  const datasets = await listDatasetSummaries();
  const mayImport = can(user.role, "datasets.import");
  return (
    <>
      <div className="page-head">
        <h1>Datasets</h1>
        {mayImport ? (
          <Link className="button" href="/datasets/import">
            Import a dataset
          </Link>
        ) : null}
      </div>
      {datasets.length === 0 ? (
        <EmptyState title="No datasets yet" action={mayImport ? { href: "/datasets/import", label: "Import a Pascal VOC dataset" } : undefined}>
          {mayImport ? "Upload a Pascal VOC folder or zip" : "An ML lead can import a Pascal VOC dataset"}, or from a terminal: <code>npm run import -- path/to/voc --name my-dataset</code>.
        </EmptyState>
      ) : (
        <DatasetTable datasets={datasets} />
      )}
    </>
  );
}
