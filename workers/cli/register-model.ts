/**
 * npm run register-model -- model.onnx --format yolo|torchvision-frcnn [--classes with_mask,without_mask,mask_weared_incorrect] [--input-size 640] [--dataset NAME] [--name NAME] [--source TEXT]
 * Verifies an ONNX detector exported elsewhere (Ultralytics YOLO, torchvision Faster R-CNN) and
 * registers it as a candidate model version judged on the dataset (default: the only one), as
 * the Models page's upload does (docs/bring-your-own-model.md). --classes: in the order of the
 * model's class ids, by the dataset's names (default: the dataset's classes). Exit code 0 on
 * success, 1 when the model is refused or on failure, 2 on usage errors.
 */
import path from "node:path";
import { parseArgs } from "node:util";
import { ONNX_MODEL_KINDS } from "@/lib/contracts/artifact";
import { isOneOf } from "@/lib/domain/states";
import { useNodeBackend } from "@/lib/detection/tf/node-backend";
import { db } from "@/lib/server/platform/db";
import { DomainError } from "@/lib/server/platform/errors";
import { migrateDatabase } from "@/lib/server/platform/migrate";
import { blobStore } from "@/lib/server/platform/storage";
import { registerOnnxModel } from "@/lib/server/models/onnx-registration";
import { runCommand } from "./run-command";

const USAGE = `usage: npm run register-model -- model.onnx --format ${ONNX_MODEL_KINDS.join("|")} [--classes a,b,c] [--input-size 640] [--dataset NAME] [--name NAME] [--source TEXT]`;

async function main(): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      allowPositionals: true,
      options: { format: { type: "string" }, classes: { type: "string" }, "input-size": { type: "string" }, dataset: { type: "string" }, name: { type: "string" }, source: { type: "string" } },
    });
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (positionals.length !== 1) return usage("name one .onnx file");
  if (!isOneOf(ONNX_MODEL_KINDS, values.format)) return usage(`--format must be one of ${ONNX_MODEL_KINDS.join(", ")}`);
  const inputSize = values["input-size"] === undefined ? undefined : Number(values["input-size"]);
  if (inputSize !== undefined && !(Number.isInteger(inputSize) && inputSize >= 32 && inputSize <= 4096)) return usage(`--input-size must be a whole number from 32 to 4096, not "${values["input-size"]}"`);
  const classes = values.classes?.split(",").map((c) => c.trim()).filter(Boolean);

  await migrateDatabase();
  try {
    let dataset = values.dataset;
    if (!dataset) {
      const all = await db().dataset.findMany({ select: { name: true }, take: 2 });
      if (all.length !== 1) return usage(all.length === 0 ? "import a dataset first: the model is judged on one" : "--dataset is required when there are several datasets");
      dataset = all[0]!.name;
    }
    await useNodeBackend("wasm"); // images are letterboxed with TF.js
    const file = positionals[0]!;
    const { version, verification: v } = await registerOnnxModel({ filePath: file, fileName: path.basename(file), kind: values.format, classes, inputSize, dataset, name: values.name, source: values.source }, { store: blobStore() });
    console.log(`verified: opset ${v.opset}${v.producer ? ` (${v.producer})` : ""}; input ${v.input}; outputs ${v.outputs.join(", ")}; ${v.parameterCount.toLocaleString("en")} parameters; test inference on ${v.testImage}: ${v.testDetections} detections`);
    console.log(`model version: ${version.name} v${version.version} (${version.id}), ${version.kind}, ${version.inputSize} px, candidate`);
    console.log(`next: npm run evaluate-model -- --model ${version.name}@${version.version}; npm run benchmark-model -- --model ${version.name}@${version.version}`);
    return 0;
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    console.error(`refused: ${error.message}`);
    return 1;
  } finally {
    await db().$disconnect();
  }
}

function usage(problem: string): number {
  console.error(`${problem}\n${USAGE}`);
  return 2;
}

runCommand("register-model", main);
