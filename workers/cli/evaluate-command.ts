/**
 * The parts of `npm run evaluate` that do not touch the process: argument parsing, loading the
 * ground truth (COCO JSON file or Pascal VOC folder) and the results file, and the text report.
 * workers/cli/evaluate.ts wires them to argv, stdout, stderr and the exit code.
 */
import { readFile, stat } from "node:fs/promises";
import path from "node:path";
import { parseArgs } from "node:util";
import { FACEMASK_CLASSES } from "@/lib/domain/classes";
import { formatCocoSummary, formatFixed3 } from "@/lib/domain/evaluation/coco-eval";
import { CocoJsonError, exportCategoryIds, parseCocoGroundTruth, parseCocoResults, type GroundTruth } from "@/lib/domain/evaluation/coco-json";
import type { OperatingPoint } from "@/lib/domain/evaluation/operating-point";
import { evaluateDetections, type EvaluationReport } from "@/lib/domain/evaluation/report";
import { EvaluationInputError, type Detection, type GroundTruthBox, type GroundTruthImage } from "@/lib/domain/evaluation/types";
import { parseVocBytes } from "@/lib/domain/voc";
import { vocObjectToBox } from "@/lib/domain/voc-boxes";
import { folderPath, NotAVocFolderError, readVocFolder } from "@/lib/server/datasets/voc-folder";

export const USAGE = [
  "usage: npm run evaluate -- --gt <coco.json|voc-folder> --dt <coco-results.json> [--iou-type bbox] [--conf 0.25] [--json]",
  "  --gt    COCO ground truth (images, annotations, categories) or a Pascal VOC folder (Annotations/*.xml or flat)",
  "  --dt    results: a JSON array of {image_id, category_id, bbox: [x, y, w, h], score}",
  "  --conf  confidence for the P/R/F1 columns, the confusion matrix and image accuracy (default 0.25)",
  "  --json  print one JSON object instead of the tables",
].join("\n");

export interface EvaluateArgs {
  gt: string;
  dt: string;
  confidence: number;
  json: boolean;
}

/** Bad command line: exit 2 with the usage. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/** The inputs cannot be evaluated (missing file, bad JSON, unknown image…): exit 2, one line. */
export class EvaluateInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "EvaluateInputError";
  }
}

export function parseEvaluateArgs(argv: string[]): EvaluateArgs | "help" {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        gt: { type: "string" },
        dt: { type: "string" },
        "iou-type": { type: "string", default: "bbox" },
        conf: { type: "string", default: "0.25" },
        json: { type: "boolean", default: false },
        help: { type: "boolean", short: "h", default: false },
      },
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (values.help) return "help";
  if (!values.gt) throw new UsageError("--gt is required");
  if (!values.dt) throw new UsageError("--dt is required");
  if (values["iou-type"] !== "bbox") throw new UsageError(`--iou-type ${values["iou-type"]}: only bbox is supported`);
  const confidence = Number(values.conf);
  if (values.conf.trim() === "" || !Number.isFinite(confidence) || confidence < 0 || confidence > 1) {
    throw new UsageError(`--conf ${values.conf}: expected a number from 0 to 1`);
  }
  return { gt: values.gt, dt: values.dt, confidence, json: values.json };
}

export interface LoadedGroundTruth extends GroundTruth {
  kind: "coco" | "voc";
  /** things worth telling the user that do not stop the evaluation (skipped boxes, …) */
  notes: string[];
}

async function readJson(file: string, what: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new EvaluateInputError(`cannot read ${what} ${file}: ${code === "ENOENT" ? "no such file" : (code ?? (error as Error).message)}`);
  }
  try {
    return JSON.parse(text.replace(/^\uFEFF/, "")) as unknown;
  } catch (error) {
    throw new EvaluateInputError(`${file} is not valid JSON: ${(error as Error).message}`);
  }
}

/** A COCO JSON file, or a Pascal VOC folder read like the import reads it. */
export async function loadGroundTruth(location: string): Promise<LoadedGroundTruth> {
  const info = await stat(location).catch(() => null);
  if (!info) throw new EvaluateInputError(`cannot read ground truth ${location}: no such file or folder`);
  if (info.isDirectory()) return loadVocGroundTruth(location);
  const json = await readJson(location, "ground truth");
  try {
    return { ...parseCocoGroundTruth(json, path.basename(location)), kind: "coco", notes: [] };
  } catch (error) {
    if (error instanceof CocoJsonError) throw new EvaluateInputError(error.message);
    throw error;
  }
}

/**
 * A VOC folder: each annotation file is paired with its image as the import pairs them
 * (<filename> if the folder has it, else the same stem) and its boxes go through the import's
 * own conversion (VOC → pixels, clipped to <size>), so the ground truth is what an import would
 * store. The image id is the image's file name; images without an annotation file are not part
 * of the ground truth. Classes are the face-mask catalogue, with category ids 1, 2, 3 as our COCO
 * export assigns them.
 */
async function loadVocGroundTruth(root: string): Promise<LoadedGroundTruth> {
  let folder;
  try {
    folder = await readVocFolder(root);
  } catch (error) {
    if (error instanceof NotAVocFolderError) throw new EvaluateInputError(error.message);
    throw error;
  }
  if (folder.annotationFiles.length === 0) throw new EvaluateInputError(`${root} has no annotation (.xml) files`);
  const classes = [...FACEMASK_CLASSES];
  const byName = new Map(folder.imageFiles.map((f) => [path.basename(f).toLowerCase(), path.basename(f)]));
  const byStem = new Map<string, string>();
  for (const f of folder.imageFiles) {
    const stem = path.parse(f).name.toLowerCase();
    if (!byStem.has(stem)) byStem.set(stem, path.basename(f));
  }
  const notes: string[] = [];
  const images = new Map<string, GroundTruthImage>();
  for (const file of folder.annotationFiles) {
    // Same reading as the import: raw-byte paths, the file's own encoding.
    const parsed = parseVocBytes(await readFile(folderPath(folder, file)));
    if (!parsed.ok) throw new EvaluateInputError(`${file}: ${parsed.error.message}`);
    const problem = parsed.problems[0];
    if (problem) throw new EvaluateInputError(`${file}: ${problem.message}`);
    const { annotation } = parsed;
    const hinted = annotation.filename ? byName.get(path.basename(annotation.filename).toLowerCase()) : undefined;
    const imageId = hinted ?? byStem.get(path.parse(file).name.toLowerCase()) ?? (annotation.filename ? path.basename(annotation.filename) : path.parse(file).name);
    if (images.has(imageId)) {
      notes.push(`${file}: ${imageId} is already labelled by another annotation file; ignored (as the import does)`);
      continue;
    }
    const boxes: GroundTruthBox[] = [];
    annotation.objects.forEach((object, n) => {
      const label = `${file} object ${object.position ?? n + 1}`;
      // Without <size> nothing can be clipped: an infinite image keeps the box as it is.
      const size = annotation.size ?? { width: Number.POSITIVE_INFINITY, height: Number.POSITIVE_INFINITY };
      const { box, findings } = vocObjectToBox(object, size, classes, label);
      const unknown = findings.find((f) => f.code === "unknown-class");
      if (unknown) throw new EvaluateInputError(unknown.message.replace(/; box skipped.*$/, ""));
      if (!box) {
        notes.push(findings.map((f) => f.message).join("; "));
        return;
      }
      const { className, xmin, ymin, xmax, ymax, difficult } = box;
      boxes.push({ className, box: { xmin, ymin, xmax, ymax }, difficult });
    });
    images.set(imageId, { imageId, fileName: imageId, ...(annotation.size ? { width: annotation.size.width, height: annotation.size.height } : {}), boxes });
  }
  const sorted = [...images.values()].sort((a, b) => (a.imageId < b.imageId ? -1 : a.imageId > b.imageId ? 1 : 0));
  return { kind: "voc", classes, images: sorted, categoryIds: exportCategoryIds(classes), notes };
}

export async function loadDetections(file: string, gt: GroundTruth): Promise<Detection[]> {
  const json = await readJson(file, "results");
  try {
    return parseCocoResults(json, gt, path.basename(file));
  } catch (error) {
    if (error instanceof CocoJsonError) throw new EvaluateInputError(error.message);
    throw error;
  }
}

const num = (value: number) => (value < 0 ? "–" : formatFixed3(value));

function table(rows: string[][], rightAligned: (column: number) => boolean): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  return rows.map((r) => r.map((cell, c) => (rightAligned(c) ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!))).join("  ").trimEnd()).join("\n");
}

function pointCells(point: OperatingPoint | null, withThreshold: boolean): string[] {
  if (!point) return withThreshold ? ["–", "–", "–", "–"] : ["–", "–", "–"];
  const cells = [num(point.precision), num(point.recall), num(point.f1)];
  return withThreshold ? [formatFixed3(point.threshold), ...cells] : cells;
}

/** The text report: pycocotools' 12 lines, VOC mAP, the per-class table, confusion, image accuracy. */
export function formatTextReport(report: EvaluationReport, source: { gt: string; dt: string; kind: "coco" | "voc" }): string {
  const c = report.confidence;
  const gtBoxes = report.perClass.reduce((sum, k) => sum + k.numGt, 0);
  const out: string[] = [];
  out.push(`Ground truth: ${source.gt} (${source.kind === "voc" ? "Pascal VOC folder" : "COCO JSON"}), ${report.images} images, ${gtBoxes} boxes`);
  out.push(`Detections:   ${source.dt}, ${report.detections} detections`);
  out.push("");
  out.push("COCO bbox metrics (pycocotools COCOeval rules, difficult boxes count, crowd boxes are ignored):");
  out.push(formatCocoSummary(report));
  out.push("");
  out.push(`VOC mAP@0.5 (all-point interpolation, difficult boxes ignored): ${num(report.vocMAP50)}`);
  out.push("");
  out.push(`Per class. AP50-95, AP50: COCO (101-point); VOC AP50: all-point. P/R/F1 at IoU 0.5 (COCO matching)`);
  out.push(`for the detections with score ≥ ${c} ("@${c}"), and at the threshold that maximises F1 ("best F1 at").`);
  const header = ["class", "gt", "dets", "AP50-95", "AP50", "VOC AP50", `P@${c}`, `R@${c}`, `F1@${c}`, "best F1 at", "P", "R", "F1"];
  const rows = report.perClass.map((k) => [
    k.className,
    String(k.numGt),
    String(k.numDetections),
    num(k.AP),
    num(k.AP50),
    num(k.vocAP50),
    ...pointCells(k.atConfidence, false),
    ...pointCells(k.bestF1, true),
  ]);
  rows.push([
    "all (micro)",
    String(report.micro.numGt),
    String(report.perClass.reduce((sum, k) => sum + k.numDetections, 0)),
    num(report.AP),
    num(report.AP50),
    num(report.vocMAP50),
    ...pointCells(report.micro.atConfidence, false),
    ...pointCells(report.micro.bestF1, true),
  ]);
  out.push(table([header, ...rows], (col) => col > 0));
  out.push("(– = undefined: no ground truth of the class, or nothing to pick a threshold from; the all row's AP columns are the means over classes.)");
  out.push("");
  const { confusion } = report;
  out.push(`Confusion matrix at IoU ${confusion.iouThreshold}, score ≥ ${confusion.confidence} (rows: truth, columns: prediction; greedy by score, any class):`);
  out.push(table([["truth \\ prediction", ...confusion.labels], ...confusion.counts.map((row, i) => [confusion.labels[i]!, ...row.map(String)])], (col) => col > 0));
  out.push("");
  const a = report.imageAccuracy;
  out.push(
    `Image level, "contains ${a.positiveClasses.join(" or ")}" at score ≥ ${a.threshold}: accuracy ${num(a.accuracy)}, ` +
      `precision ${num(a.precision)}, recall ${num(a.recall)} (TP ${a.tp}, FP ${a.fp}, TN ${a.tn}, FN ${a.fn} of ${a.images} images)`,
  );
  return out.join("\n");
}

export interface CliIo {
  out: (text: string) => void;
  err: (text: string) => void;
}

/** The whole command; returns the exit code (0 done, 2 usage or input error, 1 anything else). */
export async function runEvaluate(argv: string[], io: CliIo): Promise<number> {
  try {
    const args = parseEvaluateArgs(argv);
    if (args === "help") {
      io.out(USAGE);
      return 0;
    }
    const gt = await loadGroundTruth(args.gt);
    const detections = await loadDetections(args.dt, gt);
    for (const note of gt.notes) io.err(`note: ${note}`);
    const report = evaluateDetections({ classes: gt.classes, images: gt.images, detections }, { confidence: args.confidence });
    io.out(args.json ? JSON.stringify(report) : formatTextReport(report, { gt: args.gt, dt: args.dt, kind: gt.kind }));
    return 0;
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`evaluate: ${error.message}\n${USAGE}`);
      return 2;
    }
    if (error instanceof EvaluateInputError || error instanceof EvaluationInputError) {
      io.err(`evaluate: ${error.message}`);
      return 2;
    }
    io.err(`evaluate failed: ${(error as Error).message}`);
    return 1;
  }
}
