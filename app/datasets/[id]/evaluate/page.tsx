import { notFound } from "next/navigation";
import { DatasetTabs } from "@/components/dataset-tabs";
import { ExternalResultsForm } from "@/components/external-results-form";
import { cocoCategories } from "@/lib/domain/coco";
import { recordIdSchema } from "@/lib/domain/record-id";
import { listDatasetSummaries } from "@/lib/server/datasets/datasets";
import { requirePageUser } from "@/app/_server/page-auth";

export const dynamic = "force-dynamic";

/** Evaluate predictions from elsewhere: a COCO results file scored on a split, added to the benchmark as an external model. */
export default async function EvaluatePredictionsPage({ params }: { params: Promise<{ id: string }> }) {
  await requirePageUser("training.manage");
  const id = recordIdSchema.safeParse((await params).id);
  const dataset = id.success ? (await listDatasetSummaries()).find((d) => d.id === id.data) : undefined;
  if (!dataset) notFound();
  return (
    <>
      <h1>{dataset.name}</h1>
      <DatasetTabs datasetId={dataset.id} active="evaluate" canEvaluatePredictions />
      <h2>Evaluate predictions from elsewhere</h2>
      <ExternalResultsForm datasetId={dataset.id} categories={cocoCategories(dataset.classes).map(({ id, name }) => ({ id, name }))} imagesPerSplit={dataset.imagesPerSplit} />
    </>
  );
}
