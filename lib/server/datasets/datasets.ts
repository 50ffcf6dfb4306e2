import type { DatasetSummary } from "@/lib/contracts/http/datasets";
import { datasetClassesColumn } from "@/lib/contracts/stored/datasets";
import { parseStored } from "@/lib/contracts/stored/parse";
import { db as defaultDb, type Db } from "../platform/db";

/** Every dataset with its counts, computed by the database (grouped), not by loading rows. */
export async function listDatasetSummaries(database: Db = defaultDb()): Promise<DatasetSummary[]> {
  const datasets = await database.dataset.findMany({ orderBy: { createdAt: "asc" } });
  return Promise.all(
    datasets.map(async (dataset) => {
      const [bySplit, byStatus, byClass] = await Promise.all([
        database.image.groupBy({ by: ["split"], where: { datasetId: dataset.id }, _count: { _all: true } }),
        database.image.groupBy({ by: ["labelStatus"], where: { datasetId: dataset.id }, _count: { _all: true } }),
        database.box.groupBy({ by: ["className"], where: { image: { datasetId: dataset.id } }, _count: { _all: true } }),
      ]);
      const classes = parseStored(datasetClassesColumn, dataset.classes, dataset.id);
      const boxesPerClass = Object.fromEntries(classes.map((c) => [c, 0]));
      for (const row of byClass) boxesPerClass[row.className] = row._count._all;
      return {
        id: dataset.id,
        name: dataset.name,
        description: dataset.description,
        classes,
        createdAt: dataset.createdAt.toISOString(),
        imageCount: bySplit.reduce((sum, row) => sum + row._count._all, 0),
        boxCount: byClass.reduce((sum, row) => sum + row._count._all, 0),
        boxesPerClass,
        imagesPerSplit: Object.fromEntries(bySplit.map((row) => [row.split, row._count._all])),
        imagesPerLabelStatus: Object.fromEntries(byStatus.map((row) => [row.labelStatus, row._count._all])),
      };
    }),
  );
}

/** A dataset's name and classes, for its pages; null for an id that names no dataset. */
export async function findDataset(id: string, database: Db = defaultDb()): Promise<{ id: string; name: string; classes: string[] } | null> {
  const dataset = await database.dataset.findUnique({ where: { id }, select: { id: true, name: true, classes: true } });
  return dataset && { id: dataset.id, name: dataset.name, classes: parseStored(datasetClassesColumn, dataset.classes, dataset.id) };
}
