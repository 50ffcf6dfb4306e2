/**
 * npm run evaluate-model -- --model ID|NAME|NAME@VERSION|production
 * Scores a registered model version on its dataset's test split and stores the report (what every
 * training job does when it ends; use it for models trained before, or after relabelling the test
 * split). Prints the headline figures. Exit code 0 on success, 1 on failure, 2 on usage errors.
 */
import { parseArgs } from "node:util";
import { useNodeBackend } from "@/lib/detection/tf/node-backend";
import { db } from "@/lib/server/platform/db";
import { migrateDatabase } from "@/lib/server/platform/migrate";
import { evaluateOnTestSplit } from "@/lib/server/evaluation/model-evaluation";
import { findModelVersion } from "@/lib/server/models/model-registry";
import { blobStore } from "@/lib/server/platform/storage";
import { runCommand } from "./run-command";

const USAGE = "usage: npm run evaluate-model -- --model ID|NAME|NAME@VERSION|production";

async function main(): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({ options: { model: { type: "string" } } }));
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  if (!values.model) {
    console.error(`--model is required\n${USAGE}`);
    return 2;
  }
  await migrateDatabase();
  try {
    const version = await findModelVersion(values.model);
    if (!version) {
      console.error(`no model version "${values.model}"`);
      return 1;
    }
    await useNodeBackend("wasm");
    const evaluation = await evaluateOnTestSplit(version.id, { store: blobStore() });
    const { metrics } = evaluation;
    const perClass = evaluation.perClass.map((c) => `${c.className} ${c.AP50.toFixed(3)}`).join(", ");
    console.log(`${version.name} v${version.version} on the test split (${evaluation.imageCount} images): mAP50 ${metrics.AP50.toFixed(3)}, mAP50-95 ${metrics.AP.toFixed(3)}, VOC mAP50 ${metrics.vocMAP50.toFixed(3)}; AP50 ${perClass} (stored as evaluation ${evaluation.id})`);
    return 0;
  } finally {
    await db().$disconnect();
  }
}

runCommand("evaluate-model", main);
