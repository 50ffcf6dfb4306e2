import Link from "next/link";
import type { DatasetSummary } from "@/lib/contracts/http/datasets";
import { LABEL_STATUSES, SPLITS } from "@/lib/domain/states";
import { ClassSwatch } from "./class-swatch";

const number = new Intl.NumberFormat("en");

/** "train 207 · val 40 · test 53", in the vocabulary's order, leaving out zeros. */
function countsInOrder(order: readonly string[], counts: Record<string, number>): string {
  return order
    .filter((key) => (counts[key] ?? 0) > 0)
    .map((key) => `${key.replace("_", " ")} ${counts[key]}`)
    .join(" · ");
}

export function DatasetTable({ datasets }: { datasets: DatasetSummary[] }) {
  return (
    <div className="cards">
      {datasets.map((d) => (
        <section key={d.id} className="card" aria-labelledby={`dataset-${d.id}`} data-testid="dataset-card">
          <h2 id={`dataset-${d.id}`}>
            <Link href={`/datasets/${d.id}`}>{d.name}</Link>
          </h2>
          {d.description ? <p className="muted">{d.description}</p> : null}
          <dl className="stats">
            <div>
              <dt>Images</dt>
              <dd data-testid="image-count">{number.format(d.imageCount)}</dd>
            </div>
            <div>
              <dt>Boxes</dt>
              <dd data-testid="box-count">{number.format(d.boxCount)}</dd>
            </div>
          </dl>
          <table className="table">
            <caption>Boxes per class</caption>
            <thead>
              <tr>
                <th scope="col">Class</th>
                <th scope="col" className="num">Boxes</th>
                <th scope="col" className="num">Share</th>
              </tr>
            </thead>
            <tbody>
              {d.classes.map((c) => {
                const count = d.boxesPerClass[c] ?? 0;
                return (
                  <tr key={c} data-class={c}>
                    <th scope="row">
                      <ClassSwatch name={c} />
                    </th>
                    <td className="num" data-testid={`class-count-${c}`}>
                      {number.format(count)}
                    </td>
                    <td className="num">{d.boxCount > 0 ? `${((100 * count) / d.boxCount).toFixed(1)} %` : "–"}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          <p className="muted small">
            <Link href={`/datasets/${d.id}/stats`}>Statistics</Link> · Splits: {countsInOrder(SPLITS, d.imagesPerSplit)}
            {"  ·  "}Status: {countsInOrder(LABEL_STATUSES, d.imagesPerLabelStatus)}
          </p>
        </section>
      ))}
    </div>
  );
}
