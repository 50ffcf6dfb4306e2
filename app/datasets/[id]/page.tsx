import { notFound } from "next/navigation";
import { Suspense } from "react";
import { DatasetBrowser } from "@/components/dataset-browser/dataset-browser";
import { DatasetTabs } from "@/components/dataset-tabs";
import { recordIdSchema } from "@/lib/domain/record-id";
import { findDataset } from "@/lib/server/datasets/datasets";
import { issueCodesOfDataset } from "@/lib/server/datasets/import-runs";
import { modelChoices } from "@/lib/server/models/model-registry";
import { can } from "@/lib/domain/permissions";
import { requirePageUser } from "@/app/_server/page-auth";

export const dynamic = "force-dynamic";

export default async function DatasetPage({ params }: { params: Promise<{ id: string }> }) {
  const user = await requirePageUser();
  const id = recordIdSchema.safeParse((await params).id);
  const dataset = id.success ? await findDataset(id.data) : null;
  if (!dataset) notFound();
  const issueCodes = await issueCodesOfDataset(dataset.id);
  // Pre-labelling saves boxes: annotators and up (labels.edit), with any model version.
  const prelabelModels = can(user.role, "labels.edit") && can(user.role, "models.predict") ? await modelChoices() : [];
  return (
    <>
      <h1>{dataset.name}</h1>
      <DatasetTabs datasetId={dataset.id} active="images" canEvaluatePredictions={can(user.role, "training.manage")} />
      <Suspense>
        <DatasetBrowser
          datasetId={dataset.id}
          classes={dataset.classes}
          issueCodes={issueCodes}
          canExport={can(user.role, "datasets.export")}
          canImport={can(user.role, "datasets.import")}
          prelabelModels={prelabelModels}
        />
      </Suspense>
    </>
  );
}
