import { importRunSummaryColumn } from "@/lib/contracts/stored/datasets";
import { parseStored } from "@/lib/contracts/stored/parse";
import { containsIgnoringCase, db as defaultDb, type Db } from "../platform/db";

export async function listImportRuns(datasetId: string, database: Db = defaultDb()) {
  const runs = await database.importRun.findMany({
    where: { datasetId },
    orderBy: { startedAt: "desc" },
    select: { id: true, source: true, status: true, startedAt: true, finishedAt: true, summary: true, _count: { select: { issues: true } } },
  });
  return runs.map((run) => ({ ...run, summary: parseStored(importRunSummaryColumn, run.summary, run.id) }));
}

export interface IssueQuery {
  severity?: string;
  code?: string;
  q?: string;
  page: number;
  pageSize: number;
}

/** One import run with one page of its findings, filtered by severity, code and file name. */
export async function getImportReport(runId: string, query: IssueQuery, database: Db = defaultDb()) {
  const run = await database.importRun.findUnique({ where: { id: runId }, include: { dataset: { select: { id: true, name: true } } } });
  if (!run) return null;
  const where = {
    importRunId: runId,
    ...(query.severity ? { severity: query.severity } : {}),
    ...(query.code ? { code: query.code } : {}),
    ...(query.q ? { file: containsIgnoringCase(query.q, database) } : {}),
  };
  const [issues, matching, codes] = await Promise.all([
    database.importIssue.findMany({ where, orderBy: [{ file: "asc" }, { id: "asc" }], skip: (query.page - 1) * query.pageSize, take: query.pageSize }),
    database.importIssue.count({ where }),
    database.importIssue.groupBy({ by: ["severity", "code"], where: { importRunId: runId }, _count: { _all: true } }),
  ]);
  return {
    run: { ...run, summary: parseStored(importRunSummaryColumn, run.summary, run.id) },
    issues,
    matching,
    codes: codes.map((c) => ({ severity: c.severity, code: c.code, count: c._count._all })),
  };
}

/** Finding codes that point at images of the dataset: the browser's "Finding" filter. */
export async function issueCodesOfDataset(datasetId: string, database: Db = defaultDb()): Promise<string[]> {
  const rows = await database.importIssue.groupBy({ by: ["code"], where: { imageId: { not: null }, importRun: { datasetId } } });
  return rows.map((r) => r.code).sort();
}
