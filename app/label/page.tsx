import { EmptyState } from "@/components/empty-state";
import { listDatasetSummaries } from "@/lib/server/datasets";
import { LABEL_STATUSES } from "@/lib/domain/states";

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
        <table className="table" aria-label="Labeling queues">
          <thead>
            <tr>
              <th scope="col">Dataset</th>
              {LABEL_STATUSES.map((s) => (
                <th key={s} scope="col" className="num">
                  {s.replace("_", " ")}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {datasets.map((d) => (
              <tr key={d.id}>
                <th scope="row">{d.name}</th>
                {LABEL_STATUSES.map((s) => (
                  <td key={s} className="num">
                    {d.imagesPerLabelStatus[s] ?? 0}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
