import { readFile, stat } from "node:fs/promises";
import path from "node:path";
import { parseVocBytes, type VocAnnotation, type VocProblem } from "@/lib/domain/voc";
import type { ImportFinding, ImportFindingCode } from "@/lib/domain/voc-boxes";
import { folderPath, IMPORT_LIMITS, type VocFolder } from "./voc-folder";

export type Report = (file: string, finding: ImportFinding, imageFile?: string) => void;

/** One image file of the folder and what labels it (if anything). */
export interface ImagePair {
  imageFile: string;
  annotationFile: string | null;
  annotation: VocAnnotation | null;
  /** an unusable <size>, reported once the image's real size is known */
  sizeProblem: VocProblem | null;
  /** the annotation file of the same name that was rejected, when there was one */
  rejectedAnnotation: string | null;
}

/**
 * Every image file appears in `pairs` once. Every annotation file is either paired (its labels
 * follow its image) or counted in `annotationsSkipped` with a finding saying why.
 */
export interface Pairing {
  pairs: ImagePair[];
  annotationsSkipped: number;
}

/**
 * Reads one file of the folder by its real path, after checking its size. Any failure is that
 * file's finding, never the whole import's.
 */
export async function readFolderFile(
  folder: VocFolder,
  file: string,
  limit: { maxBytes: number; code: ImportFindingCode; what: string },
  report: Report,
): Promise<Buffer | null> {
  const where = folderPath(folder, file);
  try {
    const { size } = await stat(where);
    if (size > limit.maxBytes) {
      report(file, { severity: "error", code: limit.code, message: `${size} bytes is over the ${limit.maxBytes}-byte limit for ${limit.what}` });
      return null;
    }
    return await readFile(where);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    report(file, { severity: "error", code: "file-unreadable", message: `cannot be read (${code}); skipped` });
    return null;
  }
}

const stemOf = (file: string) => path.parse(file).name.toLowerCase();

export async function pairAnnotationsWithImages(folder: VocFolder, report: Report): Promise<Pairing> {
  const { annotationFiles, imageFiles } = folder;
  const byExactName = new Map(imageFiles.map((f) => [path.basename(f), f]));
  const byName = new Map(imageFiles.map((f) => [path.basename(f).toLowerCase(), f]));
  const byStem = new Map<string, string>();
  for (const file of imageFiles) {
    const twin = byStem.get(stemOf(file));
    if (twin) {
      report(file, { severity: "warning", code: "duplicate-file", message: `shares its name with ${twin}; an annotation file can only name one of them` });
    } else {
      byStem.set(stemOf(file), file);
    }
  }
  const pairs = new Map<string, ImagePair>();
  const rejected = new Map<string, string>();
  let annotationsSkipped = 0;
  const skip = (annotationFile: string, finding: ImportFinding, imageFile?: string) => {
    report(annotationFile, finding, imageFile);
    annotationsSkipped++;
  };

  for (const annotationFile of annotationFiles) {
    const stemTwin = byStem.get(stemOf(annotationFile));
    const bytes = await readFolderFile(folder, annotationFile, { maxBytes: IMPORT_LIMITS.maxAnnotationBytes, code: "xml-too-large", what: "an annotation file" }, report);
    const parsed = bytes ? parseVocBytes(bytes) : null;
    if (!parsed?.ok) {
      if (parsed) skip(annotationFile, { severity: "error", code: parsed.error.code, message: parsed.error.message });
      else annotationsSkipped++;
      if (stemTwin && !rejected.has(stemTwin)) rejected.set(stemTwin, annotationFile);
      continue;
    }
    // <filename> is only a hint matched against the listing, never a path to open.
    const hint = parsed.annotation.filename?.split(/[\\/]/).pop();
    const hinted = hint ? (byExactName.get(hint) ?? byName.get(hint.toLowerCase())) : undefined;
    const imageFile = hinted ?? stemTwin;
    if (!imageFile) {
      skip(annotationFile, { severity: "error", code: "image-missing", message: `image ${JSON.stringify(parsed.annotation.filename ?? path.parse(annotationFile).name)} not found` });
      continue;
    }
    const taken = pairs.get(imageFile);
    if (taken) {
      skip(annotationFile, { severity: "warning", code: "duplicate-annotation", message: `${imageFile} is already labelled by ${taken.annotationFile}; ignored` }, imageFile);
      continue;
    }
    if (hint && hinted && path.basename(hinted) !== hint) {
      report(annotationFile, { severity: "warning", code: "filename-case", message: `<filename> says "${hint}" but the file is ${path.basename(hinted)}, which differs in case only; paired with it` }, imageFile);
    }
    for (const problem of parsed.problems) {
      if (problem.code === "xml-object-invalid") report(annotationFile, { severity: "error", code: problem.code, message: `${problem.message}; skipped` }, imageFile);
    }
    const sizeProblem = parsed.problems.find((p) => p.code === "size-invalid") ?? null;
    pairs.set(imageFile, { imageFile, annotationFile, annotation: parsed.annotation, sizeProblem, rejectedAnnotation: null });
  }
  for (const imageFile of imageFiles) {
    if (!pairs.has(imageFile)) {
      pairs.set(imageFile, { imageFile, annotationFile: null, annotation: null, sizeProblem: null, rejectedAnnotation: rejected.get(imageFile) ?? null });
    }
  }
  // Labelled images first: when two files hold the same picture, the one with labels is kept.
  const sorted = [...pairs.values()].sort(
    (a, b) => Number(a.annotation === null) - Number(b.annotation === null) || a.imageFile.localeCompare(b.imageFile),
  );
  return { pairs: sorted, annotationsSkipped };
}
