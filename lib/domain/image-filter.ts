import { z } from "zod";
import { LABEL_STATUSES, SPLITS } from "./states";

/**
 * Which images of a dataset a list, an export or a labeling queue is about. The same filter
 * travels in URLs (browser grid → labeling view → next/previous) and in export requests, so it
 * is parsed from strings and validated here, once.
 */
export const imageFilterSchema = z
  .object({
    className: z.string().trim().min(1).max(100).optional(),
    split: z.enum(SPLITS).optional(),
    labelStatus: z.enum(LABEL_STATUSES).optional(),
    /** a verification finding code, e.g. "box-clipped" */
    issue: z
      .string()
      .regex(/^[a-z][a-z-]{0,39}$/, "an issue code is lowercase letters and dashes")
      .optional(),
    minBoxes: z.coerce.number().int().min(0).max(100_000).optional(),
    maxBoxes: z.coerce.number().int().min(0).max(100_000).optional(),
    /** substring of the file name */
    q: z.string().trim().min(1).max(200).optional(),
  })
  .strict()
  .refine((f) => f.minBoxes === undefined || f.maxBoxes === undefined || f.minBoxes <= f.maxBoxes, {
    message: "minBoxes must not exceed maxBoxes",
    path: ["minBoxes"],
  });

export type ImageFilter = z.infer<typeof imageFilterSchema>;

export const IMAGE_FILTER_KEYS = ["className", "split", "labelStatus", "issue", "minBoxes", "maxBoxes", "q"] as const;

/** Reads a filter from URL search parameters, ignoring unrelated parameters and empty values. */
export function parseImageFilter(params: URLSearchParams): ReturnType<typeof imageFilterSchema.safeParse> {
  const raw: Record<string, string> = {};
  for (const key of IMAGE_FILTER_KEYS) {
    const value = params.get(key);
    if (value !== null && value !== "") raw[key] = value;
  }
  return imageFilterSchema.safeParse(raw);
}

/** The filter as URL search parameters, in a stable order (so equal filters give equal URLs). */
export function imageFilterToParams(filter: ImageFilter): URLSearchParams {
  const params = new URLSearchParams();
  for (const key of IMAGE_FILTER_KEYS) {
    const value = filter[key];
    if (value !== undefined) params.set(key, String(value));
  }
  return params;
}
