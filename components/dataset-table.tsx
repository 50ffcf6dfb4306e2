import Link from "next/link";
import type { DatasetSummary } from "@/lib/contracts/http/datasets";
import { LABEL_STATUSES, SPLITS } from "@/lib/domain/states";
import { formatNumber, formatPercent } from "@/lib/presentation/format";
import { LABEL_STATUS_WORDS, SPLIT_WORDS, type StateWord } from "@/lib/presentation/status-words";
import { ClassSwatch } from "./class-swatch";

/** "Train 207 · Validation 40 · Test 53", in the vocabulary's order and words, leaving out zeros. */
function countsInOrder<K extends string>(order: readonly K[], words: Record<K, StateWord>, counts: Record<string, number>): string {
  return order
    .filter((key) => (counts[key] ?? 0) > 0)
    .map((key) => `${words[key].label} ${formatNumber(counts[key]!)}`)
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
              <dd data-testid="image-count">{formatNumber(d.imageCount)}</dd>
            </div>
            <div>
              <dt>Boxes</dt>
              <dd data-testid="box-count">{formatNumber(d.boxCount)}</dd>
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
                      {formatNumber(count)}
                    </td>
                    <td className="num">{d.boxCount > 0 ? formatPercent(count / d.boxCount) : "—"}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          <p className="muted small">
            <Link href={`/datasets/${d.id}/stats`}>Statistics</Link> · Splits: {countsInOrder(SPLITS, SPLIT_WORDS, d.imagesPerSplit)}
            {"  ·  "}Status: {countsInOrder(LABEL_STATUSES, LABEL_STATUS_WORDS, d.imagesPerLabelStatus)}
          </p>
        </section>
      ))}
    </div>
  );
}
