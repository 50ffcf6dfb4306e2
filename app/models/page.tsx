import { DataTable } from "@/components/data-table";
import { EmptyState } from "@/components/empty-state";
import { PromoteButton } from "@/components/promote-button";
import { can } from "@/lib/domain/permissions";
import { listModelVersions } from "@/lib/server/model-registry";
import { requirePageUser } from "@/lib/server/auth/page-auth";

export const dynamic = "force-dynamic";

/** A metric as the table shows it; −1 (undefined: no ground truth) and missing as a dash. */
const figure = (value: number | null | undefined) => (value === null || value === undefined || value < 0 ? "–" : value.toFixed(3));

export default async function ModelsPage() {
  const user = await requirePageUser();
  const models = await listModelVersions();
  return (
    <>
      <h1>Models</h1>
      <p className="muted small">Val mAP50: the split that picked the training epoch. Test: the held-out split, scored after training with multi-label post-processing (COCO AP at IoU 0.5 and 0.5:0.95, 101-point interpolation).</p>
      {models.length === 0 ? (
        <EmptyState title="No model versions yet">Trained models appear here with their test-split benchmarks.</EmptyState>
      ) : (
        <DataTable
          label="Model versions"
          rows={models}
          rowKey={(m) => m.id}
          columns={[
            { header: "Model", cell: (m) => `${m.name} v${m.version}` },
            { header: "Kind", cell: (m) => m.kind },
            { header: "Dataset", cell: (m) => m.dataset.name },
            { header: "Input", numeric: true, cell: (m) => `${m.inputSize} px` },
            { header: "Val mAP50", numeric: true, cell: (m) => figure(m.valMAP50) },
            { header: "Test mAP50", numeric: true, cell: (m) => figure(m.test?.mAP50) },
            { header: "Test mAP50-95", numeric: true, cell: (m) => figure(m.test?.mAP50to95) },
            { header: "Test AP50 per class", cell: (m) => (m.test ? Object.entries(m.test.perClassAP50).map(([c, ap]) => `${c} ${figure(ap)}`).join(" · ") : "not evaluated") },
            { header: "Stage", cell: (m) => m.stage },
            ...(can(user.role, "models.promote")
              ? [{ header: "", cell: (m: (typeof models)[number]) => (m.stage === "production" ? null : <PromoteButton modelId={m.id} label={`${m.name} v${m.version}`} />) }]
              : []),
          ]}
        />
      )}
    </>
  );
}
