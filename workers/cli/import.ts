/**
 * npm run import -- <folder or .zip> [--name NAME] [--verbose]
 * Imports a Pascal VOC folder, or a zip of one, from this machine into the database in
 * DATA_DIR / DATABASE_URL. A zip goes through the same extraction as a browser upload.
 * Exit code 0 when anything was imported (warnings included), 1 when nothing could be, 2 on usage errors.
 */
import { stat } from "node:fs/promises";
import path from "node:path";
import { parseArgs } from "node:util";
import { datasetNameSchema, parseClassMap } from "@/lib/domain/dataset-name";
import { importUpload, receiveZipFile } from "@/lib/server/datasets/dataset-upload";
import { db } from "@/lib/server/platform/db";
import { migrateDatabase } from "@/lib/server/platform/migrate";
import { NotAVocFolderError } from "@/lib/server/datasets/voc-folder";
import { ImportFailedError, importVocFolder, type ImportIssueRecord, type ImportSummary } from "@/lib/server/datasets/voc-import";
import { ZipRejectedError } from "@/lib/server/datasets/zip-extract";
import { runCommand } from "./run-command";
import type { ServerImportPhase } from "@/lib/domain/import-progress";
import { describeImportProgress } from "@/lib/presentation/progress-words";

const USAGE = 'usage: npm run import -- <folder or .zip> [--name dataset-name] [--map "found=class" ...] [--verbose]';

async function main(): Promise<number> {
  let args;
  try {
    args = parseArgs({ allowPositionals: true, options: { name: { type: "string" }, map: { type: "string", multiple: true }, verbose: { type: "boolean", default: false } } });
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  const [dir] = args.positionals;
  if (!dir || args.positionals.length > 1) {
    console.error(USAGE);
    return 2;
  }
  const folder = path.resolve(dir);
  const isZip = (await stat(folder).catch(() => null))?.isFile() ?? false;
  const defaultName = isZip ? path.basename(folder).replace(/\.zip$/i, "") : path.basename(folder);
  const name = datasetNameSchema.safeParse(args.values.name ?? defaultName);
  if (!name.success) {
    console.error(`dataset name "${args.values.name ?? defaultName}": ${name.error.issues[0]!.message}`);
    return 2;
  }
  const classMap = parseClassMap((args.values.map ?? []).join("\n"));
  if (!classMap.ok) {
    console.error(`--map ${classMap.error}`);
    return 2;
  }

  await migrateDatabase();
  console.log(`importing ${folder} into dataset "${name.data}" …`);
  let shown = 0;
  let shownPhase: ServerImportPhase | null = null;
  try {
    const options = {
      name: name.data,
      classMap: classMap.map,
      source: folder,
      onProgress: (done: number, total: number, phase: ServerImportPhase) => {
        if (phase !== shownPhase) shown = 0;
        if (done === total || done - shown >= 50) {
          shown = done;
          shownPhase = phase;
          process.stdout.write(`  ${describeImportProgress({ phase, done, total }).text}\n`);
        }
      },
    };
    const summary = isZip ? await importUpload(await receiveZipFile(folder), options) : await importVocFolder(folder, options);
    printSummary(summary);
    printIssues(summary.issues, args.values.verbose);
    const unknown = Object.entries(summary.unknownClasses);
    if (unknown.length > 0) {
      console.log(`unknown classes (boxes skipped): ${unknown.map(([c, n]) => `"${c}" × ${n}`).join(", ")}`);
      console.log(`  to import them, run again with e.g. --map "${unknown[0]![0]}=with_mask"`);
    }
    console.log(`import run ${summary.importRunId}`);
    return 0;
  } catch (error) {
    if (error instanceof ImportFailedError) {
      console.error(`import failed: ${error.message}; the database was not changed`);
      printIssues(error.issues, args.values.verbose);
      return 1;
    }
    if (error instanceof NotAVocFolderError || error instanceof ZipRejectedError) {
      console.error(`import failed: ${error.message}`);
      return 1;
    }
    throw error;
  } finally {
    await db().$disconnect();
  }
}

/** The counts add up: every image and annotation file found ends in exactly one outcome. */
function printSummary(s: ImportSummary): void {
  console.log(
    `done: ${s.imagesFound} image files: ${s.imagesAdded} added (${s.unlabeledAdded} unlabeled, ${s.duplicatesKept} copies with other labels), ` +
      `${s.imagesUnchanged} unchanged, ${s.imagesUpdated} updated, ${s.imagesChanged} differ from stored labels (kept), ${s.imagesSkipped} skipped; ${s.boxesAdded} boxes`,
  );
  console.log(
    `      ${s.annotationsFound} annotation files: ${s.annotationsPaired} paired with an image, ${s.annotationsSkipped} skipped` +
      (s.filesRefused > 0 ? `; ${s.filesRefused} file(s) refused before import` : ""),
  );
}

/** Groups issues by kind with a few examples each; --verbose lists every one. */
function printIssues(issues: ImportIssueRecord[], verbose: boolean): void {
  if (issues.length === 0) {
    console.log("verification: no issues");
    return;
  }
  const groups = new Map<string, ImportIssueRecord[]>();
  for (const issue of issues) {
    const key = `${issue.severity} ${issue.code}`;
    groups.set(key, [...(groups.get(key) ?? []), issue]);
  }
  console.log(`verification: ${issues.length} issue(s)`);
  const order = { error: 0, warning: 1, info: 2 };
  const sorted = [...groups.entries()].sort((a, b) => order[a[1][0]!.severity] - order[b[1][0]!.severity]);
  for (const [key, group] of sorted) {
    console.log(`  ${key} × ${group.length}`);
    for (const issue of verbose ? group : group.slice(0, 3)) console.log(`    ${issue.file}: ${issue.message}`);
    if (!verbose && group.length > 3) console.log(`    … ${group.length - 3} more (--verbose lists all)`);
  }
}

runCommand("import", main);
