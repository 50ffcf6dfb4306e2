import path from "node:path";
import { dataDir } from "../platform/config";
import { db as defaultDb, type Db } from "../platform/db";
import { SAMPLE_DATASET_NAME, writeSampleDataset, type SampleOptions } from "./sample-dataset";
import { importVocFolder, type ImportSummary } from "./voc-import";

export type SampleBootstrap = { imported: false } | { imported: true; summary: ImportSummary };

/**
 * First start: generate the synthetic sample as a VOC folder and import it through the same
 * path a user's dataset takes. Later starts find the dataset and do nothing.
 */
export async function ensureSampleDataset(
  options: SampleOptions & { db?: Db; log?: (line: string) => void } = {},
): Promise<SampleBootstrap> {
  const database = options.db ?? defaultDb();
  if (await database.dataset.findUnique({ where: { name: SAMPLE_DATASET_NAME } })) return { imported: false };
  const folder = path.join(dataDir(), "sample-voc");
  const log = options.log ?? (() => undefined);
  log(`generating the sample dataset in ${folder} …`);
  await writeSampleDataset(folder, options);
  log("importing the sample dataset …");
  const summary = await importVocFolder(folder, {
    name: SAMPLE_DATASET_NAME,
    description: "Synthetic face-mask scenes generated on first start (seeded, deterministic).",
    source: "sample generator",
    db: database,
  });
  return { imported: true, summary };
}
