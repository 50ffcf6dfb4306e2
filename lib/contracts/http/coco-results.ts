import { z } from "zod";
import { IMAGE_ID_SCHEMES, type CocoResultEntry, type ResultsProblem } from "@/lib/domain/evaluation/external-results";
import { apiErrorSchema } from "./json";

/**
 * POST /api/datasets/:id/coco-results: a COCO results file made elsewhere, scored on a split of
 * the dataset and stored as an external model version. The request is multipart/form-data: the
 * file in `results`, the other fields below. The CLI (npm run evaluate-model -- --results) reads
 * the same fields from its flags.
 */

/** Splits a results file can be scored on (unassigned images belong to no split to compare on). */
export const RESULTS_SPLITS = ["test", "val", "train"] as const;

/** A model version's name as findModelVersion reads references: no "@" (NAME@VERSION), no control characters. */
export const externalModelNameSchema = z
  .string()
  .trim()
  .min(1, "give the model a name, e.g. yolo11s-gpu-run7")
  .max(80, "a model name is at most 80 characters")
  .regex(/^[^@\u0000-\u001f\u007f]+$/, "a model name has no @ and no control characters");

const optionalText = (max: number, what: string) =>
  z
    .string()
    .trim()
    .max(max, `${what} is at most ${max} characters`)
    .optional()
    .transform((text) => (text ? text : undefined));

export const cocoResultsFieldsSchema = z.object({
  name: externalModelNameSchema,
  /** where the predictions came from, in the uploader's words (a run URL, a commit, a machine) */
  source: optionalText(500, "the source"),
  split: z.enum(RESULTS_SPLITS, { error: `split must be one of ${RESULTS_SPLITS.join(", ")}` }),
  /** "0=with_mask, 1=without_mask, …"; empty: category ids are our COCO export's */
  classMap: optionalText(2_000, "the class mapping"),
  /** how numeric image_ids are read */
  imageIds: z.enum(IMAGE_ID_SCHEMES, { error: `imageIds must be one of ${IMAGE_ID_SCHEMES.join(", ")}` }).default("split-export"),
});
export type CocoResultsFields = z.output<typeof cocoResultsFieldsSchema>;

const finite = z.number().refine(Number.isFinite, "must be a finite number");

/**
 * One result of the file, as pycocotools' loadRes reads it (extra keys such as "segmentation" are
 * ignored). Sizes may be 0 (pycocotools scores such a box), never negative; a score is a
 * probability. NaN is not JSON, so a file holding one fails to parse before it gets here.
 */
export const cocoResultEntrySchema = z
  .object({
    image_id: z.union([z.number().int().min(0), z.string().trim().min(1).max(500)], { error: "image_id must be a COCO image id (a whole number) or a file name" }),
    file_name: z.string().trim().min(1).max(500).optional(),
    category_id: z.union([z.number().int(), z.string().trim().min(1).max(100)], { error: "category_id must be a category id (a whole number) or a class name" }),
    bbox: z.tuple([finite, finite, finite.refine((w) => w >= 0, "width must not be negative"), finite.refine((h) => h >= 0, "height must not be negative")], {
      error: "bbox must be [x, y, width, height]",
    }),
    score: z.number({ error: "score must be a number" }).min(0, "score must be between 0 and 1").max(1, "score must be between 0 and 1"),
  })
  .loose() satisfies z.ZodType<CocoResultEntry>;

/**
 * A results file's text → its well-formed entries (with their index in the file) and a problem
 * for every malformed one. Not JSON, or not an array, is one problem for the whole file.
 */
export function readCocoResultsText(text: string): { entries: Array<{ index: number; entry: CocoResultEntry }>; problems: ResultsProblem[]; total: number } {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    const hint = /\bNaN\b|Infinity/.test(text) ? " (NaN and Infinity are not JSON: a model wrote a broken box or score)" : "";
    return { entries: [], problems: [{ index: null, message: `the results file is not valid JSON: ${(error as Error).message}${hint}` }], total: 0 };
  }
  if (!Array.isArray(json)) return { entries: [], problems: [{ index: null, message: "a results file is a JSON array of {image_id, category_id, bbox: [x, y, w, h], score}" }], total: 0 };
  const entries: Array<{ index: number; entry: CocoResultEntry }> = [];
  const problems: ResultsProblem[] = [];
  json.forEach((item: unknown, index) => {
    const parsed = cocoResultEntrySchema.safeParse(item);
    if (parsed.success) entries.push({ index, entry: parsed.data });
    else {
      const issue = parsed.error.issues[0]!;
      const field = issue.path.length > 0 ? `${issue.path.map(String).join(".")}: ` : "";
      problems.push({ index, message: `${field}${issue.message}` });
    }
  });
  return { entries, problems, total: json.length };
}

/** → 201: the external model version and its evaluation, with the headline figures. */
export const externalEvaluationSchema = z.object({
  modelVersionId: z.string(),
  evaluationId: z.string(),
  /** "NAME vN" */
  model: z.string(),
  split: z.string(),
  images: z.number().int(),
  detections: z.number().int(),
  mAP50: z.number(),
  mAP50to95: z.number(),
  perClassAP50: z.record(z.string(), z.number()),
});
export type ExternalEvaluation = z.infer<typeof externalEvaluationSchema>;

/** 4xx refusal of a results file: the message lists the first problems; `problems` has them one per line, `problemCount` counts all. */
export const cocoResultsRejectionSchema = apiErrorSchema.extend({
  problems: z.array(z.string()).optional(),
  problemCount: z.number().int().optional(),
});
