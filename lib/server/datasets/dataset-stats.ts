import type { DatasetStatistics } from "@/lib/contracts/http/datasets";
import { datasetClassesColumn } from "@/lib/contracts/stored/datasets";
import { parseStored } from "@/lib/contracts/stored/parse";
import { binIndex, binLabels } from "@/lib/domain/histogram";
import { SPLITS } from "@/lib/domain/states";
import { Prisma } from "@/generated/prisma/client";
import { db as defaultDb, type Db } from "../platform/db";

const BOXES_PER_IMAGE_EDGES = [0, 1, 2, 3, 4, 5, 6, 8, 11, 21, 51, Infinity];
export const BOX_SIZE_EDGES = [0, 8, 16, 24, 32, 48, 64, 96, 128, 256, Infinity];
const IMAGE_SIDE_EDGES = [0, 200, 300, 400, 500, 600, 800, 1000, 1500, 2000, Infinity];

/** Everything the statistics page charts, computed in the database where it can be. */
export async function datasetStatistics(datasetId: string, database: Db = defaultDb()): Promise<DatasetStatistics | null> {
  const dataset = await database.dataset.findUnique({ where: { id: datasetId }, select: { classes: true } });
  if (!dataset) return null;
  const classes = parseStored(datasetClassesColumn, dataset.classes, datasetId);

  const [imagesPerSplit, boxCountGroups, sizeGroups, issues] = await Promise.all([
    database.image.groupBy({ by: ["split"], where: { datasetId }, _count: { _all: true } }),
    database.image.groupBy({ by: ["boxCount"], where: { datasetId }, _count: { _all: true } }),
    database.image.groupBy({ by: ["width", "height"], where: { datasetId }, _count: { _all: true } }),
    database.importIssue.groupBy({ by: ["code", "severity"], where: { importRun: { datasetId } }, _count: { _all: true } }),
  ]);

  const presentSplits = SPLITS.filter((split) => imagesPerSplit.some((row) => row.split === split));
  const splits = await Promise.all(
    presentSplits.map(async (split) => {
      const rows = await database.box.groupBy({ by: ["className"], where: { image: { datasetId, split } }, _count: { _all: true } });
      const boxesPerClass = Object.fromEntries(classes.map((c) => [c, 0]));
      for (const row of rows) boxesPerClass[row.className] = row._count._all;
      return { split, images: imagesPerSplit.find((row) => row.split === split)!._count._all, boxesPerClass };
    }),
  );

  const sizeCounts = await boxSizeCounts(database, datasetId);
  const total = sizeCounts.reduce((a, b) => a + b, 0);
  // COCO's cut-offs (32², 96²) are bin edges, so its ranges are sums of bins.
  const below = (edge: number) => sizeCounts.slice(0, BOX_SIZE_EDGES.indexOf(edge)).reduce((a, b) => a + b, 0);

  return {
    classes,
    splits,
    boxesPerImage: weightedBins(boxCountGroups.map((g) => ({ value: g.boxCount, count: g._count._all })), BOXES_PER_IMAGE_EDGES),
    boxSizes: toBins(BOX_SIZE_EDGES, sizeCounts, " px"),
    cocoAreaRanges: { small: below(32), medium: below(96) - below(32), large: total - below(96) },
    imageWidths: weightedBins(sizeGroups.map((g) => ({ value: g.width, count: g._count._all })), IMAGE_SIDE_EDGES, " px"),
    imageHeights: weightedBins(sizeGroups.map((g) => ({ value: g.height, count: g._count._all })), IMAGE_SIDE_EDGES, " px"),
    issues: issues
      .map((row) => ({ code: row.code, severity: row.severity, count: row._count._all }))
      .sort((a, b) => severityRank(a.severity) - severityRank(b.severity) || b.count - a.count),
  };
}

/** A histogram of values that arrive already counted (database group-by rows). */
function weightedBins(groups: Array<{ value: number; count: number }>, edges: readonly number[], unit = "") {
  const counts = new Array<number>(edges.length - 1).fill(0);
  for (const g of groups) counts[binIndex(g.value, edges)]! += g.count;
  return toBins(edges, counts, unit);
}

/**
 * Boxes per √area bin, counted by the database: each bin compares the area with the squared edges,
 * in plain SQL that SQLite and PostgreSQL both run, so no box is loaded into Node.
 */
async function boxSizeCounts(database: Db, datasetId: string): Promise<number[]> {
  const inner = BOX_SIZE_EDGES.slice(1, -1);
  const columns = Prisma.join(
    BOX_SIZE_EDGES.slice(0, -1).map((_, i) => {
      const lo = i === 0 ? null : inner[i - 1]! ** 2;
      const hi = i < inner.length ? inner[i]! ** 2 : null;
      const condition =
        lo === null ? Prisma.sql`area < ${hi}` : hi === null ? Prisma.sql`area >= ${lo}` : Prisma.sql`area >= ${lo} AND area < ${hi}`;
      return Prisma.sql`SUM(CASE WHEN ${condition} THEN 1 ELSE 0 END) AS ${Prisma.raw(`bin${i}`)}`;
    }),
  );
  const [row] = await database.$queryRaw<Record<string, bigint | number | null>[]>`
    SELECT ${columns} FROM (
      SELECT (b."x_max" - b."x_min") * (b."y_max" - b."y_min") AS area
      FROM "Box" b JOIN "Image" i ON i."id" = b."imageId"
      WHERE i."datasetId" = ${datasetId}
    ) AS boxes`;
  return BOX_SIZE_EDGES.slice(0, -1).map((_, i) => Number(row?.[`bin${i}`] ?? 0));
}

function toBins(edges: readonly number[], counts: number[], unit = "") {
  const labels = binLabels(edges, unit);
  return counts.map((count, i) => ({ label: labels[i]!, count }));
}

const severityRank = (severity: string) => ({ error: 0, warning: 1, info: 2 })[severity] ?? 3;
