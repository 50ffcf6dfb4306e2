/**
 * npm run evaluate-model -- --model ID|NAME|NAME@VERSION|production
 * npm run evaluate-model -- --results results.json --dataset NAME --split test --name NAME [--source TEXT] [--class-map 0=with_mask,...] [--image-ids split-export|dataset-export|file-name]
 * --model scores a registered model version on its dataset's test split and stores the report
 * (what every training job does when it ends; use it for models trained before, or after
 * relabelling the test split). --results scores a COCO results file made elsewhere on a split and
 * stores it as an external model (docs/bring-your-own-model.md). Prints the headline figures.
 * Exit code 0 on success, 1 on failure, 2 on usage errors.
 */
import { db } from "@/lib/server/platform/db";
import { migrateDatabase } from "@/lib/server/platform/migrate";
import { blobStore } from "@/lib/server/platform/storage";
import { evaluateModelCommand } from "./evaluate-model-command";
import { runCommand } from "./run-command";

runCommand("evaluate-model", async () => {
  await migrateDatabase();
  try {
    return await evaluateModelCommand(process.argv.slice(2), { out: (text) => console.log(text), err: (text) => console.error(text) }, { store: blobStore(), db: db() });
  } finally {
    await db().$disconnect();
  }
});
