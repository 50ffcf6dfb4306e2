/**
 * npm run migrate-data -- --from file:data/masklab.db --to postgresql://user:pass@host/masklab
 * Copies every table of one database into another, empty one (SQLite → PostgreSQL, or SQLite →
 * SQLite): migrates the target, copies in foreign-key order with ids unchanged, then compares the
 * row counts per table and prints them. Blobs (DATA_DIR/blobs) are files and do not move.
 * Exit code 0 when every count matches, 1 when the copy failed or a count differs, 2 on usage errors and refusals
 * (a missing option, the same database twice, a target that already holds rows).
 */
import { parseArgs } from "node:util";
import { formatNumber } from "@/lib/presentation/format";
import { describeDatabase } from "@/lib/server/platform/config";
import { CountMismatchError, DataMigrationRefused, migrateData, type TableCount } from "@/lib/server/platform/data-migration";
import { runCommand } from "./run-command";

const USAGE = [
  "usage: npm run migrate-data -- --from <database URL> --to <database URL>",
  "  e.g. --from file:data/masklab.db --to postgresql://masklab:secret@db.example.org/masklab",
  "  The target must be empty; it is migrated first. Blobs (DATA_DIR/blobs) are not copied.",
].join("\n");

function usage(message: string): number {
  console.error(`${message}\n${USAGE}`);
  return 2;
}

function countTable(counts: TableCount[]): string {
  const rows = [["table", "source", "target"], ...counts.map((row) => [row.model, formatNumber(row.source), formatNumber(row.target)])];
  const widths = [0, 1, 2].map((i) => Math.max(...rows.map((row) => row[i]!.length)));
  return rows.map((row) => `  ${row[0]!.padEnd(widths[0]!)}  ${row[1]!.padStart(widths[1]!)}  ${row[2]!.padStart(widths[2]!)}`).join("\n");
}

async function main(): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({ options: { from: { type: "string" }, to: { type: "string" } } }));
  } catch (error) {
    return usage((error as Error).message);
  }
  let counts: TableCount[];
  try {
    counts = await migrateData({ from: values.from, to: values.to, log: (line) => console.log(line) });
  } catch (error) {
    if (error instanceof DataMigrationRefused) return usage(error.message);
    if (error instanceof CountMismatchError) {
      console.error(`migrate-data failed: ${error.message}\n${countTable(error.counts)}\nWas Masklab still running on the source? Stop it, drop and recreate the target, and copy again.`);
      return 1;
    }
    throw error;
  }
  const rows = counts.reduce((sum, row) => sum + row.source, 0);
  console.log(`\nrow counts, ${describeDatabase(values.from!)} → ${describeDatabase(values.to!)}:\n${countTable(counts)}`);
  console.log(`done: ${formatNumber(rows)} rows in ${counts.length} tables copied, every count matches.`);
  console.log(
    "Blobs (images, checkpoints, model artifacts) are files, not rows, and were not copied: with the disk store, copy DATA_DIR/blobs to the new deployment's DATA_DIR; a bucket (BLOB_STORE=s3://…) stays where it is.",
  );
  return 0;
}

runCommand("migrate-data", main);
