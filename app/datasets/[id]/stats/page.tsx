import { notFound } from "next/navigation";
import { DatasetStatsCharts } from "@/components/dataset-stats-charts";
import { DatasetTabs } from "@/components/dataset-tabs";
import { recordIdSchema } from "@/lib/domain/record-id";
import { findDataset } from "@/lib/server/datasets/datasets";
import { datasetStatistics } from "@/lib/server/datasets/dataset-stats";
import { requirePageUser } from "@/app/_server/page-auth";

export const dynamic = "force-dynamic";

export default async function DatasetStatsPage({ params }: { params: Promise<{ id: string }> }) {
  await requirePageUser("data.view");
  const id = recordIdSchema.safeParse((await params).id);
  const dataset = id.success ? await findDataset(id.data) : null;
  const stats = dataset ? await datasetStatistics(dataset.id) : null;
  if (!dataset || !stats) notFound();
  return (
    <>
      <h1>{dataset.name}</h1>
      <DatasetTabs datasetId={dataset.id} active="stats" />
      <DatasetStatsCharts datasetId={dataset.id} stats={stats} />
    </>
  );
}
