import Link from "next/link";
import { notFound } from "next/navigation";
import { z } from "zod";
import { DatasetTabs } from "@/components/dataset-tabs";
import { Time } from "@/components/ui/time";
import { formatCount, formatNumber } from "@/lib/presentation/format";
import { FindingFilters } from "./finding-filters";
import { recordIdSchema } from "@/lib/domain/record-id";
import { getImportReport } from "@/lib/server/datasets/import-runs";
import { can } from "@/lib/domain/permissions";
import { requirePageUser } from "@/app/_server/page-auth";

export const dynamic = "force-dynamic";

const PAGE_SIZE = 200;
const querySchema = z.object({
  severity: z.enum(["error", "warning", "info"]).optional().catch(undefined),
  code: z.string().regex(/^[a-z][a-z-]{0,39}$/).optional().catch(undefined),
  q: z.string().trim().max(200).optional().catch(undefined),
  page: z.coerce.number().int().min(1).max(100_000).catch(1),
});

/** The verification report of one import: per-file rows, filterable without any client code. */
export default async function ImportReportPage({
  params,
  searchParams,
}: {
  params: Promise<{ id: string; runId: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const user = await requirePageUser("data.view");
  const { runId } = await params;
  const id = recordIdSchema.safeParse(runId);
  const raw = await searchParams;
  const query = querySchema.parse({ severity: raw.severity || undefined, code: raw.code || undefined, q: raw.q || undefined, page: raw.page ?? 1 });
  const report = id.success ? await getImportReport(id.data, { ...query, pageSize: PAGE_SIZE }) : null;
  if (!report) notFound();
  const { run, issues, matching, codes } = report;
  const pages = Math.max(1, Math.ceil(matching / PAGE_SIZE));
  const link = (page: number) => {
    const p = new URLSearchParams(Object.entries({ severity: query.severity, code: query.code, q: query.q, page: String(page) }).filter((e): e is [string, string] => Boolean(e[1])));
    return `?${p}`;
  };
  const { summary } = run;

  return (
    <>
      <h1>{run.dataset.name}</h1>
      <DatasetTabs datasetId={run.dataset.id} active="imports" canEvaluatePredictions={can(user.role, "training.manage")} />
      <h2>Verification report</h2>
      <p className="muted">
        {run.source} · <Time value={run.startedAt} /> · {formatCount(summary?.imagesAdded ?? 0, "image")} added, {formatCount(summary?.boxesAdded ?? 0, "box")},{" "}
        {formatNumber(summary?.imagesUnchanged ?? 0)} unchanged, {formatNumber(summary?.imagesChanged ?? 0)} kept with edits
      </p>
      {summary?.imagesFound !== undefined && (
        <p className="muted" data-testid="import-counts">
          {formatCount(summary.imagesFound ?? 0, "image file")}: {formatNumber(summary.imagesAdded ?? 0)} added ({formatNumber(summary.unlabeledAdded ?? 0)} unlabeled, {formatCount(summary.duplicatesKept ?? 0, "copy", "copies")} with other labels),{" "}
          {formatNumber(summary.imagesUnchanged ?? 0)} unchanged, {formatNumber(summary.imagesUpdated ?? 0)} updated, {formatNumber(summary.imagesChanged ?? 0)} kept with edits, {formatNumber(summary.imagesSkipped ?? 0)} skipped ·{" "}
          {formatCount(summary.annotationsFound ?? 0, "annotation file")}: {formatNumber(summary.annotationsPaired ?? 0)} paired, {formatNumber(summary.annotationsSkipped ?? 0)} skipped
          {summary.filesRefused ? ` · ${formatCount(summary.filesRefused ?? 0, "file")} refused before import` : ""}
        </p>
      )}
      <ul className="chips" aria-label="Findings by kind">
        {codes.map((c) => (
          <li key={`${c.severity}-${c.code}`}>
            <Link href={`?code=${c.code}`} className={`sev sev-${c.severity}`}>
              {c.code} × {formatNumber(c.count)}
            </Link>
          </li>
        ))}
      </ul>
      <FindingFilters severity={query.severity ?? ""} code={query.code ?? ""} q={query.q ?? ""} codes={[...new Set(codes.map((c) => c.code))].sort()} />
      <p role="status" data-testid="finding-count">
        {formatCount(matching, "finding")}
        {pages > 1 ? ` · page ${formatNumber(query.page)} of ${formatNumber(pages)}` : ""}
      </p>
      <table className="table" aria-label="Findings">
        <thead>
          <tr>
            <th scope="col">File</th>
            <th scope="col">Severity</th>
            <th scope="col">Finding</th>
            <th scope="col">Detail</th>
          </tr>
        </thead>
        <tbody>
          {issues.map((issue) => (
            <tr key={issue.id}>
              <td className="file">{issue.imageId ? <Link href={`/label/${issue.imageId}`}>{issue.file}</Link> : issue.file}</td>
              <td>
                <span className={`sev sev-${issue.severity}`}>{issue.severity}</span>
              </td>
              <td>{issue.code}</td>
              <td>{issue.message}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {pages > 1 ? (
        <p className="pager">
          {query.page > 1 ? <Link href={link(query.page - 1)}>← previous</Link> : null} {query.page < pages ? <Link href={link(query.page + 1)}>next →</Link> : null}
        </p>
      ) : null}
    </>
  );
}
