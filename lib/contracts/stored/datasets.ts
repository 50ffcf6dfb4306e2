import { z } from "zod";
import { storedColumn } from "./parse";

/** Class names in display order. A dataset's classes are its own (any names), not only the face-mask catalogue. */
export const classNamesSchema = z.array(z.string());

export const datasetClassesColumn = storedColumn("Dataset", "classes", classNamesSchema);

const count = z.number().int().min(0);

/**
 * What an import run counted (lib/server/datasets/voc-import.ts documents each count). Runs stored
 * before every file was counted once (December 2026) lack the counts marked optional.
 */
export const importRunSummarySchema = z.object({
  imagesAdded: count,
  imagesUnchanged: count,
  imagesChanged: count,
  imagesSkipped: count,
  unlabeledAdded: count,
  boxesAdded: count,
  issueCounts: z.object({ error: count, warning: count, info: count }),
  imagesUpdated: count.optional(),
  unknownClasses: z.record(z.string(), count).optional(),
  imagesFound: count.optional(),
  duplicatesKept: count.optional(),
  annotationsFound: count.optional(),
  annotationsPaired: count.optional(),
  annotationsSkipped: count.optional(),
  filesRefused: count.optional(),
});
export type ImportRunSummary = z.infer<typeof importRunSummarySchema>;

/** null while a run is under way, or when it failed */
export const importRunSummaryColumn = storedColumn("ImportRun", "summary", importRunSummarySchema.nullable());

/** VOC tags Masklab does not model (folder, source, segmented, path, custom ones), kept for a lossless export. */
export const vocExtraSchema = z.record(z.string(), z.unknown());

export const imageVocExtraColumn = storedColumn("Image", "vocExtra", vocExtraSchema.nullable());
