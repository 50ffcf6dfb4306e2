import type { AnnotatedBox } from "./annotation-set";
import { clipBox, type ImageSize, type PixelBox } from "./box";
import { classIndexOf } from "./coco";
import type { Split } from "./states";

/**
 * YOLO (Darknet / Ultralytics) detection labels, built without I/O: one line per box,
 * "classIndex cx cy w h", the box's centre and size divided by the image's width and height.
 *
 * The only lossy export format: values are written with 6 decimals, so each is within 0.5e-6 of
 * the image size (0.0005 px on a 1,000-px image), and corners rebuilt as centre ± size / 2 are
 * within 0.75e-6 of it.
 */
export const YOLO_DECIMALS = 6;

const TRAINING_SPLITS = ["train", "val", "test"] as const;

export function yoloLabelLine(box: PixelBox, classIndex: number, image: ImageSize): string {
  // YOLO readers reject values outside [0, 1]; stored boxes lie inside their image, so this clip
  // only guards against rows written by something other than the import and the editor.
  const { xmin, ymin, xmax, ymax } = clipBox(box, image);
  const values = [(xmin + xmax) / 2 / image.width, (ymin + ymax) / 2 / image.height, (xmax - xmin) / image.width, (ymax - ymin) / image.height];
  return [String(classIndex), ...values.map((v) => v.toFixed(YOLO_DECIMALS))].join(" ");
}

/**
 * One image's label file. An image without boxes gets an empty file: YOLO has no way to tell
 * "unlabeled" from "labeled, no faces", and an empty file is how it says "no objects".
 */
export function yoloLabelFile(boxes: readonly AnnotatedBox[], classes: readonly string[], image: ImageSize): string {
  return boxes.map((box) => `${yoloLabelLine(box, classIndexOf(classes, box.className), image)}\n`).join("");
}

/** classes.txt: one class name per line; line n (0-based) is class index n. */
export function yoloClassesTxt(classes: readonly string[]): string {
  return classes.map((name) => `${name}\n`).join("");
}

/**
 * data.yaml for Ultralytics-style trainers. No `path:` key, so tools resolve the split folders
 * against the file's own folder wherever the archive is unpacked. Only the splits present are
 * listed (Ultralytics needs train and val to train); unassigned images sit in images/unassigned.
 */
export function yoloDataYaml(input: { datasetName: string; classes: readonly string[]; splits: Iterable<Split> }): string {
  const present = new Set(input.splits);
  const lines = [`# Masklab export of dataset ${JSON.stringify(input.datasetName)}; paths are relative to this file's folder.`];
  for (const split of TRAINING_SPLITS) if (present.has(split)) lines.push(`${split}: images/${split}`);
  if (present.has("unassigned")) lines.push("# images/unassigned: images without a split, listed under no key");
  lines.push(`nc: ${input.classes.length}`, "names:", ...input.classes.map((name) => `  - ${JSON.stringify(name)}`));
  return `${lines.join("\n")}\n`;
}
