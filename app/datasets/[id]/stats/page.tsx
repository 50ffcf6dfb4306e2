import { notFound } from "next/navigation";
import { DatasetStatsCharts } from "@/components/dataset-stats-charts";
import { DatasetTabs } from "@/components/dataset-tabs";
import { recordIdSchema } from "@/lib/domain/record-id";
import { findDataset } from "@/lib/server/datasets/datasets";
import { datasetStatistics } from "@/lib/server/datasets/dataset-stats";
import { can } from "@/lib/domain/permissions";
import { requirePageUser } from "@/app/_server/page-auth";

export const dynamic = "force-dynamic";

export default async function DatasetStatsPage({ params }: { params: Promise<{ id: string }> }) {
  const user = await requirePageUser("data.view");
  const id = recordIdSchema.safeParse((await params).id);
  const dataset = id.success ? await findDataset(id.data) : null;
  const stats = dataset ? await datasetStatistics(dataset.id) : null;
  if (!dataset || !stats) notFound();
  return (
    <>
      <h1>{dataset.name}</h1>
      <DatasetTabs datasetId={dataset.id} active="stats" canEvaluatePredictions={can(user.role, "training.manage")} />
      <DatasetStatsCharts datasetId={dataset.id} stats={stats} />
    </>
  );
}
