import { EmptyState } from "@/components/empty-state";
import { listModelVersions } from "@/lib/server/model-registry";

export const dynamic = "force-dynamic";

export default async function ModelsPage() {
  const models = await listModelVersions();
  return (
    <>
      <h1>Models</h1>
      {models.length === 0 ? (
        <EmptyState title="No model versions yet">Trained models appear here with their test-split benchmarks.</EmptyState>
      ) : (
        <table className="table" aria-label="Model versions">
          <thead>
            <tr>
              <th scope="col">Model</th>
              <th scope="col">Kind</th>
              <th scope="col">Dataset</th>
              <th scope="col" className="num">Input</th>
              <th scope="col">Stage</th>
            </tr>
          </thead>
          <tbody>
            {models.map((m) => (
              <tr key={m.id}>
                <td>
                  {m.name} v{m.version}
                </td>
                <td>{m.kind}</td>
                <td>{m.dataset.name}</td>
                <td className="num">{m.inputSize} px</td>
                <td>{m.stage}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
