/**
 * npm run export -- --dataset NAME --format voc|coco|yolo --out FILE.zip|FILE.json [--split S] [--class NAME] [--status S]
 * Exports a dataset, or the images matching the filter, from the database in DATA_DIR / DATABASE_URL.
 * Exit code 0 on success, 1 when the export failed (unknown dataset, missing original, …), 2 on usage errors.
 */
import path from "node:path";
import { parseArgs } from "node:util";
import { datasetClassesColumn } from "@/lib/contracts/stored/datasets";
import { parseStored } from "@/lib/contracts/stored/parse";
import { EXPORT_FORMAT_CATALOGUE, EXPORT_FORMATS, formatsPackagedAs, isExportFormat, PACKAGING_EXTENSIONS, packagingOf, packagingRefusal } from "@/lib/domain/export-formats";
import { imageFilterSchema, type ImageFilter } from "@/lib/domain/image-filter";
import { LABEL_STATUSES, SPLITS } from "@/lib/domain/states";
import { exportDataset } from "@/lib/server/datasets/dataset-export";
import { db } from "@/lib/server/platform/db";
import { migrateDatabase } from "@/lib/server/platform/migrate";
import { runCommand } from "./run-command";

const USAGE = [
  `usage: npm run export -- --dataset NAME --format ${EXPORT_FORMATS.join("|")} --out FILE.zip|FILE.json`,
  `         [--split ${SPLITS.join("|")}] [--class CLASS] [--status ${LABEL_STATUSES.join("|")}]`,
  `  FILE.zip holds images and labels; FILE.json (${formatsPackagedAs("json")} only) the annotations alone.`,
].join("\n");

const FILTER_OPTIONS: Record<string, string> = { split: "--split", className: "--class", labelStatus: "--status" };

function usage(message: string): number {
  console.error(`${message}\n${USAGE}`);
  return 2;
}

async function main(): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        dataset: { type: "string" },
        format: { type: "string" },
        out: { type: "string" },
        split: { type: "string" },
        class: { type: "string" },
        status: { type: "string" },
      },
    }));
  } catch (error) {
    return usage((error as Error).message);
  }
  const { dataset: datasetName, format, out } = values;
  if (!datasetName) return usage("--dataset is required");
  if (!isExportFormat(format)) return usage(format === undefined ? "--format is required" : `unknown format "${format}"`);
  if (!out) return usage("--out is required");
  const packaging = packagingOf(out);
  if (!packaging) return usage(`--out must end in ${PACKAGING_EXTENSIONS}, not "${path.basename(out)}"`);
  const refusal = packagingRefusal(format, packaging);
  if (refusal) return usage(refusal);
  const parsed = imageFilterSchema.safeParse({ split: values.split, className: values.class, labelStatus: values.status });
  if (!parsed.success) {
    return usage(parsed.error.issues.map((issue) => `${FILTER_OPTIONS[String(issue.path[0])] ?? "filter"}: ${issue.message}`).join("\n"));
  }
  const filter: ImageFilter = parsed.data;

  await migrateDatabase();
  try {
    const dataset = await db().dataset.findUnique({ where: { name: datasetName } });
    if (!dataset) {
      const names = (await db().dataset.findMany({ select: { name: true }, orderBy: { name: "asc" } })).map((d) => d.name);
      console.error(`export failed: no dataset named "${datasetName}" (${names.length > 0 ? `datasets: ${names.join(", ")}` : "there are no datasets yet"})`);
      return 1;
    }
    const classes = parseStored(datasetClassesColumn, dataset.classes, dataset.id);
    if (filter.className !== undefined && !classes.includes(filter.className)) {
      console.error(`export failed: dataset "${dataset.name}" has no class "${filter.className}" (classes: ${classes.join(", ")})`);
      return 1;
    }
    const output = path.resolve(out);
    console.log(`exporting dataset "${dataset.name}" as ${EXPORT_FORMAT_CATALOGUE[format].label} to ${output} …`);
    const started = performance.now();
    let shown = 0;
    const result = await exportDataset({
      datasetId: dataset.id,
      format,
      filter,
      output,
      onProgress: (done, total) => {
        if (done === total || done - shown >= 500) {
          shown = done;
          process.stdout.write(`  ${done}/${total} images\n`);
        }
      },
    });
    const seconds = (performance.now() - started) / 1000;
    console.log(`done: ${result.images} images, ${result.boxes} boxes, ${result.bytes} bytes in ${seconds.toFixed(1)} s`);
    if (result.images === 0) console.log("no image matches the filter: the export holds no images");
    return 0;
  } finally {
    await db().$disconnect();
  }
}

runCommand("export", main);
