import type { DatasetStatistics } from "@/lib/api-contracts";
import { binIndex, binLabels, histogram } from "@/lib/domain/histogram";
import { SPLITS } from "@/lib/domain/states";
import { db as defaultDb, type Db } from "./db";

const BOXES_PER_IMAGE_EDGES = [0, 1, 2, 3, 4, 5, 6, 8, 11, 21, 51, Infinity];
const BOX_SIZE_EDGES = [0, 8, 16, 24, 32, 48, 64, 96, 128, 256, Infinity];
const IMAGE_SIDE_EDGES = [0, 200, 300, 400, 500, 600, 800, 1000, 1500, 2000, Infinity];

/** Everything the statistics page charts, computed in the database where it can be. */
export async function datasetStatistics(datasetId: string, database: Db = defaultDb()): Promise<DatasetStatistics | null> {
  const dataset = await database.dataset.findUnique({ where: { id: datasetId }, select: { classes: true } });
  if (!dataset) return null;
  const classes = dataset.classes as string[];

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

  // Box sizes need each box; coordinates only, read in pages so large datasets stay in bounds.
  const sizes: number[] = [];
  for (let cursor: string | undefined; ; ) {
    const page = await database.box.findMany({
      where: { image: { datasetId } },
      select: { id: true, xmin: true, ymin: true, xmax: true, ymax: true },
      orderBy: { id: "asc" },
      take: 20_000,
      ...(cursor ? { cursor: { id: cursor }, skip: 1 } : {}),
    });
    for (const b of page) sizes.push(Math.sqrt(Math.max(0, b.xmax - b.xmin) * Math.max(0, b.ymax - b.ymin)));
    if (page.length < 20_000) break;
    cursor = page[page.length - 1]!.id;
  }

  return {
    classes,
    splits,
    boxesPerImage: weightedBins(boxCountGroups.map((g) => ({ value: g.boxCount, count: g._count._all })), BOXES_PER_IMAGE_EDGES),
    boxSizes: toBins(BOX_SIZE_EDGES, histogram(sizes, BOX_SIZE_EDGES).counts, " px"),
    cocoAreaRanges: {
      small: sizes.filter((s) => s < 32).length,
      medium: sizes.filter((s) => s >= 32 && s < 96).length,
      large: sizes.filter((s) => s >= 96).length,
    },
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

function toBins(edges: readonly number[], counts: number[], unit = "") {
  const labels = binLabels(edges, unit);
  return counts.map((count, i) => ({ label: labels[i]!, count }));
}

const severityRank = (severity: string) => ({ error: 0, warning: 1, info: 2 })[severity] ?? 3;
