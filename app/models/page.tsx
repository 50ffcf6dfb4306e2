import { DataTable } from "@/components/data-table";
import { EmptyState } from "@/components/empty-state";
import { PromoteButton } from "@/components/promote-button";
import { can } from "@/lib/domain/permissions";
import { listModelVersions } from "@/lib/server/model-registry";
import { requirePageUser } from "@/lib/server/auth/page-auth";

export const dynamic = "force-dynamic";

export default async function ModelsPage() {
  const user = await requirePageUser();
  const models = await listModelVersions();
  return (
    <>
      <h1>Models</h1>
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
