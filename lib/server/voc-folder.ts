import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import type { Split } from "@/lib/domain/states";

export const IMAGE_EXTENSIONS = new Set([".jpg", ".jpeg", ".png", ".bmp", ".webp", ".tif", ".tiff"]);

/** What a Pascal VOC folder holds, as paths relative to its root. */
export interface VocFolder {
  root: string;
  layout: "voc" | "flat";
  annotationFiles: string[];
  imageFiles: string[];
  /** image stem → split, from ImageSets/Main/{train,val,test}.txt */
  splits: Map<string, Split>;
}

export class NotAVocFolderError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "NotAVocFolderError";
  }
}

/**
 * Recognises the standard layout (Annotations/ + JPEGImages/ or images/, optional ImageSets/Main)
 * and a flat folder of image + XML pairs. Only directory listings are used, so names in the
 * files themselves can never point outside the folder.
 */
export async function readVocFolder(root: string): Promise<VocFolder> {
  const entries = await readdir(root, { withFileTypes: true }).catch((error: NodeJS.ErrnoException) => {
    throw new NotAVocFolderError(`cannot read folder ${root}: ${error.code ?? error.message}`);
  });
  const dirs = new Map(entries.filter((e) => e.isDirectory()).map((e) => [e.name.toLowerCase(), e.name]));
  const annotationsDir = dirs.get("annotations");
  const imagesDir = dirs.get("jpegimages") ?? dirs.get("images");

  if (annotationsDir || imagesDir) {
    const annotationFiles = annotationsDir ? await listFiles(root, annotationsDir, (n) => n.toLowerCase().endsWith(".xml")) : [];
    const imageFiles = imagesDir ? await listFiles(root, imagesDir, isImageName) : [];
    if (annotationFiles.length === 0 && imageFiles.length === 0) {
      throw new NotAVocFolderError(`${root} has ${annotationsDir ?? imagesDir}/ but no .xml or image files in it`);
    }
    return { root, layout: "voc", annotationFiles, imageFiles, splits: await readSplits(root, dirs.get("imagesets")) };
  }

  const annotationFiles = entries.filter((e) => e.isFile() && e.name.toLowerCase().endsWith(".xml")).map((e) => e.name);
  const imageFiles = entries.filter((e) => e.isFile() && isImageName(e.name)).map((e) => e.name);
  if (annotationFiles.length === 0 && imageFiles.length === 0) {
    throw new NotAVocFolderError(
      `${root} is not a Pascal VOC folder: expected Annotations/ and JPEGImages/ (or images/), or image and .xml files side by side`,
    );
  }
  return { root, layout: "flat", annotationFiles: annotationFiles.sort(), imageFiles: imageFiles.sort(), splits: new Map() };
}

function isImageName(name: string): boolean {
  return IMAGE_EXTENSIONS.has(path.extname(name).toLowerCase());
}

async function listFiles(root: string, dir: string, keep: (name: string) => boolean): Promise<string[]> {
  const entries = await readdir(path.join(root, dir), { withFileTypes: true });
  return entries
    .filter((e) => e.isFile() && keep(e.name))
    .map((e) => `${dir}/${e.name}`)
    .sort();
}

async function readSplits(root: string, imageSetsDir: string | undefined): Promise<Map<string, Split>> {
  const splits = new Map<string, Split>();
  if (!imageSetsDir) return splits;
  const mainDir = path.join(root, imageSetsDir, "Main");
  // trainval is read first so a separate train/val list refines it.
  for (const [file, split] of [
    ["trainval.txt", "train"],
    ["train.txt", "train"],
    ["val.txt", "val"],
    ["test.txt", "test"],
  ] as const) {
    const text = await readFile(path.join(mainDir, file), "utf8").catch(() => null);
    if (text === null) continue;
    for (const line of text.split(/\r?\n/)) {
      // These are the plain lists (class-specific ones are named <class>_<split>.txt and not
      // read), so the whole line is the stem, spaces included.
      const stem = line.trim();
      if (stem) splits.set(stem, split);
    }
  }
  return splits;
}
