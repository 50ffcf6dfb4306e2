/**
 * The parts of `npm run evaluate-model` that do not touch the process: argument parsing, the two
 * modes (a registered model scored on its test split; a COCO results file made elsewhere scored
 * on a dataset split as an external model) and the printed figures. workers/cli/evaluate-model.ts
 * wires them to argv, the console and the exit code.
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import { parseArgs } from "node:util";
import { cocoResultsFieldsSchema } from "@/lib/contracts/http/coco-results";
import { IMAGE_ID_SCHEMES } from "@/lib/domain/evaluation/external-results";
import { firstIssue } from "@/lib/domain/validation-message";
import { evaluateOnTestSplit } from "@/lib/server/evaluation/model-evaluation";
import { evaluateCocoResults } from "@/lib/server/models/external-results";
import { findModelVersion } from "@/lib/server/models/model-registry";
import { DomainError } from "@/lib/server/platform/errors";
import type { Db } from "@/lib/server/platform/db";
import type { BlobStore } from "@/lib/server/platform/storage";

export const USAGE = [
  "usage: npm run evaluate-model -- --model ID|NAME|NAME@VERSION|production",
  "       npm run evaluate-model -- --results results.json --dataset NAME --split test|val|train --name NAME [--source TEXT] [--class-map 0=with_mask,...] [--image-ids split-export|dataset-export|file-name]",
  "  --model      score a registered model on its dataset's test split",
  "  --results    score a COCO results file ([{image_id, category_id, bbox: [x, y, w, h], score}]) made elsewhere; it is stored as an external model",
  "  --class-map  category ids (or labels) → classes; default: the COCO export's categories (1-based in the dataset's class order)",
  `  --image-ids  how numeric image_ids are read: ${IMAGE_ID_SCHEMES.join(" | ")} (default split-export: ids of the split's COCO export)`,
].join("\n");

export interface CommandIo {
  out: (text: string) => void;
  err: (text: string) => void;
}

/** Runs the command; returns the exit code (0 done, 1 failed, 2 usage). */
export async function evaluateModelCommand(argv: string[], io: CommandIo, deps: { store: BlobStore; db: Db }): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        model: { type: "string" },
        results: { type: "string" },
        dataset: { type: "string" },
        split: { type: "string", default: "test" },
        name: { type: "string" },
        source: { type: "string" },
        "class-map": { type: "string" },
        "image-ids": { type: "string", default: "split-export" },
      },
    }));
  } catch (error) {
    io.err(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  if (Boolean(values.model) === Boolean(values.results)) {
    io.err(`give either --model or --results\n${USAGE}`);
    return 2;
  }
  try {
    if (values.model) return await scoreRegisteredModel(values.model, io, deps);
    if (!values.dataset) {
      io.err(`--dataset is required with --results\n${USAGE}`);
      return 2;
    }
    const fields = cocoResultsFieldsSchema.safeParse({ name: values.name ?? "", source: values.source, split: values.split, classMap: values["class-map"], imageIds: values["image-ids"] });
    if (!fields.success) {
      io.err(`${firstIssue(fields.error)}\n${USAGE}`);
      return 2;
    }
    const dataset = await deps.db.dataset.findFirst({ where: { OR: [{ name: values.dataset }, { id: values.dataset }] }, select: { id: true } });
    if (!dataset) {
      io.err(`no dataset "${values.dataset}"`);
      return 1;
    }
    let results: Buffer;
    try {
      results = await readFile(values.results!);
    } catch (error) {
      io.err(`cannot read ${values.results}: ${(error as Error).message}`);
      return 1;
    }
    const { version, evaluation } = await evaluateCocoResults({ ...fields.data, datasetId: dataset.id, results, fileName: path.basename(values.results!) }, deps);
    io.out(`${version.name} v${version.version} (external, from ${version.source}) on the ${evaluation.split} split (${evaluation.imageCount} images, ${evaluation.metrics.detections} detections): ${headline(evaluation)}`);
    return 0;
  } catch (error) {
    // refusals a user can act on (unknown ids, malformed results, a results-only model): one line, no stack
    if (error instanceof DomainError) {
      io.err(error.message);
      return 1;
    }
    throw error;
  }
}

async function scoreRegisteredModel(reference: string, io: CommandIo, deps: { store: BlobStore; db: Db }): Promise<number> {
  const version = await findModelVersion(reference, deps.db);
  if (!version) {
    io.err(`no model version "${reference}"`);
    return 1;
  }
  // loaded only here: scoring a results file needs no TF.js
  const { useNodeBackend } = await import("@/lib/detection/tf/node-backend");
  await useNodeBackend("wasm");
  const evaluation = await evaluateOnTestSplit(version.id, deps);
  io.out(`${version.name} v${version.version} on the test split (${evaluation.imageCount} images): ${headline(evaluation)}`);
  return 0;
}

function headline(evaluation: { id: string; metrics: { AP50: number; AP: number; vocMAP50: number }; perClass: ReadonlyArray<{ className: string; AP50: number }> }): string {
  const { metrics } = evaluation;
  const perClass = evaluation.perClass.map((c) => `${c.className} ${c.AP50 < 0 ? "–" : c.AP50.toFixed(3)}`).join(", ");
  return `mAP50 ${metrics.AP50.toFixed(3)}, mAP50-95 ${metrics.AP.toFixed(3)}, VOC mAP50 ${metrics.vocMAP50.toFixed(3)}; AP50 ${perClass} (stored as evaluation ${evaluation.id})`;
}
