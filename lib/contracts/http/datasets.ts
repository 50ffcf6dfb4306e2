import { z } from "zod";
import { EXPORT_FORMAT_CATALOGUE, EXPORT_FORMATS } from "@/lib/domain/export-formats";
import { imageFilterSchema } from "@/lib/domain/image-filter";
import { SERVER_IMPORT_PHASES } from "@/lib/domain/import-progress";
import { recordIdSchema } from "@/lib/domain/record-id";
import { apiErrorSchema, timestampSchema } from "./json";

/** A dataset with its counts, as the dataset list, the label queue and the training form show it. */
export const datasetSummarySchema = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  classes: z.array(z.string()),
  createdAt: timestampSchema,
  imageCount: z.number().int(),
  boxCount: z.number().int(),
  /** boxes per class, in the dataset's class order (classes with no boxes show 0) */
  boxesPerClass: z.record(z.string(), z.number().int()),
  imagesPerSplit: z.record(z.string(), z.number().int()),
  imagesPerLabelStatus: z.record(z.string(), z.number().int()),
});
export type DatasetSummary = z.infer<typeof datasetSummarySchema>;

/** GET /api/datasets */
export const datasetListSchema = z.object({ datasets: z.array(datasetSummarySchema) });

export const chartBinSchema = z.object({ label: z.string(), count: z.number() });
export type ChartBin = z.infer<typeof chartBinSchema>;

/** What the dataset statistics page charts. */
export const datasetStatisticsSchema = z.object({
  classes: z.array(z.string()),
  /** one row per split present: split name, image count, and box counts per class */
  splits: z.array(z.object({ split: z.string(), images: z.number().int(), boxesPerClass: z.record(z.string(), z.number().int()) })),
  boxesPerImage: z.array(chartBinSchema),
  /** box size as sqrt(area) in pixels, with COCO's small/medium/large cut-offs at 32 and 96 */
  boxSizes: z.array(chartBinSchema),
  cocoAreaRanges: z.object({ small: z.number(), medium: z.number(), large: z.number() }),
  imageWidths: z.array(chartBinSchema),
  imageHeights: z.array(chartBinSchema),
  issues: z.array(z.object({ code: z.string(), severity: z.string(), count: z.number().int() })),
});
export type DatasetStatistics = z.infer<typeof datasetStatisticsSchema>;

/** POST /api/datasets/import → 200: what the import run did (its findings are counted here, listed on its page). */
export const importResultSchema = z.object({
  datasetId: z.string(),
  importRunId: z.string(),
  imagesFound: z.number().int(),
  imagesAdded: z.number().int(),
  imagesUnchanged: z.number().int(),
  imagesUpdated: z.number().int(),
  imagesChanged: z.number().int(),
  imagesSkipped: z.number().int(),
  unlabeledAdded: z.number().int(),
  duplicatesKept: z.number().int(),
  annotationsFound: z.number().int(),
  annotationsPaired: z.number().int(),
  annotationsSkipped: z.number().int(),
  filesRefused: z.number().int(),
  boxesAdded: z.number().int(),
  /** class names found in files that matched nothing, with their box counts */
  unknownClasses: z.record(z.string(), z.number().int()),
  issueCounts: z.record(z.string(), z.number().int()),
  issueCount: z.number().int(),
});
export type ImportResult = z.infer<typeof importResultSchema>;

/** A finding of an import: `code` is stable, `message` is for people; file paths are relative to the imported folder. */
export const importFindingSchema = z.object({ file: z.string(), severity: z.string(), code: z.string(), message: z.string(), imageFile: z.string().optional() });
export type ImportFinding = z.infer<typeof importFindingSchema>;

/** POST /api/datasets/import → 422: nothing was importable; the findings say why (the first 500). */
export const importRejectionSchema = apiErrorSchema.extend({ issues: z.array(importFindingSchema).optional() });

/** The media type a client asks for (Accept) to follow an import as it runs. */
export const IMPORT_PROGRESS_MEDIA_TYPE = "application/x-ndjson";

/**
 * POST /api/datasets/import with `Accept: application/x-ndjson` → 200 at once, then one of these
 * a line: progress while the server unpacks, verifies and imports, and last either the result
 * (the 200 answer's body) or the failure (the status and body the plain answer would have had).
 */
export const importStreamEventSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("progress"), phase: z.enum(SERVER_IMPORT_PHASES), done: z.number().int().min(0), total: z.number().int().min(0) }),
  z.object({ type: z.literal("done"), result: importResultSchema }),
  z.object({ type: z.literal("failed"), status: z.number().int(), error: z.string(), issues: z.array(importFindingSchema).optional(), reference: z.string().optional() }),
]);
export type ImportStreamEvent = z.infer<typeof importStreamEventSchema>;

/** The dataset browser's filter, each parameter described; a filter added there fails to compile here until it is. */
const filter = imageFilterSchema.shape;
const describedFilter = {
  className: filter.className.meta({ description: "images with at least one box of this class" }),
  split: filter.split.meta({ description: "images of this split" }),
  labelStatus: filter.labelStatus.meta({ description: "images with this label status" }),
  issue: filter.issue.meta({ description: "images with this import finding, e.g. box-clipped" }),
  minBoxes: filter.minBoxes.meta({ description: "images with at least this many boxes" }),
  maxBoxes: filter.maxBoxes.meta({ description: "images with at most this many boxes" }),
  q: filter.q.meta({ description: "images whose file name contains this" }),
} satisfies Record<keyof typeof filter, z.ZodType>;

/** GET /api/datasets/:id/export: which format, and which images (none filtered: all of them). */
export const datasetExportQuerySchema = z.object({
  format: z.enum(EXPORT_FORMATS).meta({ description: EXPORT_FORMATS.map((f) => `${f}: ${EXPORT_FORMAT_CATALOGUE[f].label}`).join(", ") }),
  ...describedFilter,
});

export const datasetPathSchema = z.object({ id: recordIdSchema.meta({ description: "the dataset's id" }) });
