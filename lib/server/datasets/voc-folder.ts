import type { Dirent } from "node:fs";
import { readdir, readFile, stat } from "node:fs/promises";
import path from "node:path";
import { decodeFileName, escapeNonAscii } from "@/lib/domain/text-encoding";
import type { Split } from "@/lib/domain/states";
import type { ImportFinding } from "@/lib/domain/voc-boxes";
import { IMAGE_LIMITS } from "../images/image-probe";

export const IMAGE_EXTENSIONS = new Set([".jpg", ".jpeg", ".png", ".bmp", ".webp", ".tif", ".tiff"]);

/** Limits read before parsing or decoding anything, so hostile files cost nothing. */
export const IMPORT_LIMITS = {
  maxAnnotationBytes: 2 * 1024 * 1024,
  maxImageBytes: IMAGE_LIMITS.maxBytes,
  maxImagePixels: IMAGE_LIMITS.maxPixels,
  /** an ImageSets/Main list: 200 000 stems of 80 bytes */
  maxSplitListBytes: 16 * 1024 * 1024,
} as const;

/** The files an import reads, by kind; anything else in a folder or zip is never opened. */
export type ImportableKind = "image" | "annotation" | "split-list";

export function importableKind(relativePath: string): ImportableKind | null {
  const lower = relativePath.toLowerCase();
  if (IMAGE_EXTENSIONS.has(path.extname(lower))) return "image";
  if (lower.endsWith(".xml")) return "annotation";
  if (lower.endsWith(".txt") && lower.split("/").includes("imagesets")) return "split-list";
  return null;
}

export const KIND_MAX_BYTES: Record<ImportableKind, number> = {
  image: IMPORT_LIMITS.maxImageBytes,
  annotation: IMPORT_LIMITS.maxAnnotationBytes,
  "split-list": IMPORT_LIMITS.maxSplitListBytes,
};

/** What a Pascal VOC folder holds, as paths relative to its root. */
export interface VocFolder {
  root: string;
  layout: "voc" | "flat";
  annotationFiles: string[];
  imageFiles: string[];
  /** image stem → split, from ImageSets/Main/{train,val,test}.txt */
  splits: Map<string, Split>;
  /**
   * Relative path → the file's real path as bytes. The relative paths are text (they become
   * stored file names); a name that is not UTF-8 is only openable through these bytes.
   */
  rawPaths: Map<string, Buffer>;
  /** names that are not UTF-8 and what they were read as */
  findings: Array<{ file: string; finding: ImportFinding }>;
}

export class NotAVocFolderError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "NotAVocFolderError";
  }
}

interface Entry {
  name: string;
  raw: Buffer;
  /** the real path, as bytes */
  fullPath: Buffer;
  dirent: Dirent<Buffer>;
}

/**
 * Recognises the standard layout (Annotations/ + JPEGImages/ or images/, optional ImageSets/Main)
 * and a flat folder of image + XML pairs. Only directory listings are used, so names in the
 * files themselves can never point outside the folder.
 */
export async function readVocFolder(root: string): Promise<VocFolder> {
  const findings: VocFolder["findings"] = [];
  const rawPaths = new Map<string, Buffer>();
  const entries = await listDir(Buffer.from(root), "", findings).catch((error: NodeJS.ErrnoException) => {
    throw new NotAVocFolderError(`cannot read folder ${root}: ${error.code ?? error.message}`);
  });
  const dirs = new Map(entries.filter((e) => e.dirent.isDirectory()).map((e) => [e.name.toLowerCase(), e]));
  const annotationsDir = dirs.get("annotations");
  const imagesDir = dirs.get("jpegimages") ?? dirs.get("images");

  const keep = async (dir: Entry | undefined, wanted: ImportableKind) => {
    if (!dir) return [];
    return collect(await listDir(dir.fullPath, `${dir.name}/`, findings), `${dir.name}/`, wanted, rawPaths);
  };
  if (annotationsDir || imagesDir) {
    const annotationFiles = await keep(annotationsDir, "annotation");
    const imageFiles = await keep(imagesDir, "image");
    if (annotationFiles.length === 0 && imageFiles.length === 0) {
      throw new NotAVocFolderError(`${root} has ${(annotationsDir ?? imagesDir)!.name}/ but no .xml or image files in it`);
    }
    const splits = await readSplits(root, dirs.get("imagesets")?.name, findings);
    return { root, layout: "voc", annotationFiles, imageFiles, splits, rawPaths, findings: readFindings(findings, rawPaths) };
  }

  const annotationFiles = collect(entries, "", "annotation", rawPaths);
  const imageFiles = collect(entries, "", "image", rawPaths);
  if (annotationFiles.length === 0 && imageFiles.length === 0) {
    throw new NotAVocFolderError(
      `${root} is not a Pascal VOC folder: expected Annotations/ and JPEGImages/ (or images/), or image and .xml files side by side`,
    );
  }
  return { root, layout: "flat", annotationFiles, imageFiles, splits: new Map(), rawPaths, findings: readFindings(findings, rawPaths) };
}

/** Names nobody reads (a README beside the data) need no finding. */
function readFindings(findings: VocFolder["findings"], rawPaths: Map<string, Buffer>): VocFolder["findings"] {
  return findings.filter((f) => rawPaths.has(f.file) || f.finding.code !== "file-name-encoding");
}

/** The real path to open for a relative path of the folder. */
export function folderPath(folder: VocFolder, relativePath: string): Buffer | string {
  return folder.rawPaths.get(relativePath) ?? path.join(folder.root, relativePath);
}

function collect(entries: Entry[], prefix: string, wanted: ImportableKind, rawPaths: Map<string, Buffer>): string[] {
  const files = entries.filter((e) => e.dirent.isFile() && importableKind(e.name) === wanted);
  for (const e of files) rawPaths.set(`${prefix}${e.name}`, e.fullPath);
  return files.map((e) => `${prefix}${e.name}`).sort();
}

/**
 * Lists a folder by raw names, so one name that is not UTF-8 cannot hide or break the others.
 * Such a name is read as Latin-1 (what old Windows tools and zips wrote), or, when that would
 * collide with a real name beside it, written with \xNN escapes.
 */
async function listDir(dir: Buffer, prefix: string, findings: VocFolder["findings"]): Promise<Entry[]> {
  const dirents = await readdir(dir, { withFileTypes: true, encoding: "buffer" });
  const decoded = dirents.map((dirent) => ({ dirent, raw: dirent.name, ...decodeFileName(dirent.name) }));
  const taken = new Set(decoded.filter((d) => d.utf8).map((d) => d.name));
  return decoded.map(({ dirent, raw, name, utf8 }) => {
    const fullPath = Buffer.concat([dir, Buffer.from(path.sep), raw]);
    if (utf8) return { name, raw, fullPath, dirent };
    const readable = taken.has(name) ? escapeNonAscii(raw) : name;
    taken.add(readable);
    findings.push({
      file: `${prefix}${readable}`,
      finding: {
        severity: "warning",
        code: "file-name-encoding",
        message:
          readable === name
            ? `the name is not UTF-8; its bytes were read as Latin-1 and it is stored as "${readable}"`
            : `the name is not UTF-8 and its Latin-1 reading is taken by another file; stored as "${readable}"`,
      },
    });
    return { name: readable, raw, fullPath, dirent };
  });
}

async function readSplits(root: string, imageSetsDir: string | undefined, findings: VocFolder["findings"]): Promise<Map<string, Split>> {
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
    const size = (await stat(path.join(mainDir, file)).catch(() => null))?.size;
    if (size === undefined) continue;
    if (size > IMPORT_LIMITS.maxSplitListBytes) {
      const message = `${size} bytes is over the ${IMPORT_LIMITS.maxSplitListBytes}-byte limit for a split list; not read`;
      findings.push({ file: `${imageSetsDir}/Main/${file}`, finding: { severity: "error", code: "file-too-large", message } });
      continue;
    }
    const bytes = await readFile(path.join(mainDir, file));
    // Decoded as file names are, so a Latin-1 list still names its Latin-1 images.
    for (const line of decodeFileName(bytes).name.split(/\r?\n/)) {
      // These are the plain lists (class-specific ones are named <class>_<split>.txt and not
      // read), so the whole line is the stem, spaces included.
      const stem = line.trim();
      if (stem) splits.set(stem, split);
    }
  }
  return splits;
}
