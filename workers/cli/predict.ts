/**
 * npm run predict -- --model ID|NAME|NAME@VERSION|production --out results.json [--score 0.001] [--single-label] <images or folders>
 * Runs a registered model version on any images and writes COCO detection results (image_id = the
 * image's file name, category_id = the class's position in the model's classes + 1, as Masklab's
 * COCO export numbers them, bbox = [x, y, width, height] in pixels), for `npm run evaluate` or
 * any other tool. By default it post-processes as evaluation does (multi-label: every class above
 * the score, NMS per class); --single-label gives what serving returns (one class per box).
 * Exit code 0 on success, 1 on failure, 2 on usage errors.
 */
import { readdir, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { parseArgs } from "node:util";
import { useNodeBackend } from "@/lib/detection/tf/node-backend";
import { db } from "@/lib/server/platform/db";
import { migrateDatabase } from "@/lib/server/platform/migrate";
import { findModelVersion, requireRunnableModel } from "@/lib/server/models/model-registry";
import { loadModelDetector } from "@/lib/server/models/model-loader";
import { blobStore } from "@/lib/server/platform/storage";
import { decodeImageRgb } from "@/lib/server/images/decode";
import { runCommand } from "./run-command";

const USAGE = "usage: npm run predict -- --model ID|NAME|NAME@VERSION|production --out results.json [--score 0.001] [--single-label] <images or folders>";
const IMAGE_EXTENSIONS = new Set([".jpg", ".jpeg", ".png", ".webp", ".bmp", ".tif", ".tiff"]);

function usage(message: string): number {
  console.error(`${message}\n${USAGE}`);
  return 2;
}

async function imageFiles(inputs: string[]): Promise<string[]> {
  const files: string[] = [];
  for (const input of inputs) {
    const info = await stat(input);
    if (info.isDirectory()) {
      for (const entry of (await readdir(input, { recursive: true })).sort()) {
        if (IMAGE_EXTENSIONS.has(path.extname(entry).toLowerCase())) files.push(path.join(input, entry));
      }
    } else files.push(input);
  }
  return files;
}

async function main(): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ allowPositionals: true, options: { model: { type: "string" }, out: { type: "string" }, score: { type: "string", default: "0.001" }, "single-label": { type: "boolean", default: false } } });
  } catch (error) {
    return usage((error as Error).message);
  }
  const { model: reference, out } = parsed.values;
  const scoreThreshold = Number(parsed.values.score);
  if (!reference) return usage("--model is required");
  if (!out) return usage("--out is required");
  if (!(scoreThreshold >= 0 && scoreThreshold <= 1)) return usage("--score must be between 0 and 1");
  if (parsed.positionals.length === 0) return usage("name at least one image or folder");

  await migrateDatabase();
  try {
    const version = await findModelVersion(reference);
    if (!version) {
      console.error(`no model version "${reference}"`);
      return 1;
    }
    requireRunnableModel(version, "run");
    const files = await imageFiles(parsed.positionals);
    await useNodeBackend("wasm"); // TF.js models run on it; every model letterboxes with it
    const detector = await loadModelDetector(version, blobStore());
    console.log(`${version.name} v${version.version} (${version.kind}, ${detector.metadata.inputSize} px) on ${files.length} images, ${detector.runtime()}`);
    const results: Array<{ image_id: string; category_id: number; bbox: number[]; score: number }> = [];
    const started = performance.now();
    try {
      for (const file of files) {
        const [detections] = await detector.detect([await decodeImageRgb(file)], { scoreThreshold, multiLabel: !parsed.values["single-label"] });
        for (const d of detections!) {
          results.push({ image_id: path.basename(file), category_id: d.classIndex + 1, bbox: [d.box.xmin, d.box.ymin, d.box.xmax - d.box.xmin, d.box.ymax - d.box.ymin], score: d.score });
        }
      }
    } finally {
      detector.dispose();
    }
    await writeFile(out, JSON.stringify(results));
    console.log(`${results.length} detections written to ${out} (${((performance.now() - started) / files.length).toFixed(0)} ms per image)`);
    return 0;
  } finally {
    await db().$disconnect();
  }
}

runCommand("predict", main);
