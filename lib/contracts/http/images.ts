import { z } from "zod";

/** One image of the dataset browser's grid. */
export const imageListItemSchema = z.object({
  id: z.string(),
  fileName: z.string(),
  width: z.number().int(),
  height: z.number().int(),
  split: z.string(),
  labelStatus: z.string(),
  boxCount: z.number().int(),
});
export type ImageListItem = z.infer<typeof imageListItemSchema>;

/** GET /api/datasets/:id/images */
export const imagePageSchema = z.object({
  items: z.array(imageListItemSchema),
  /** pass back as `after` for the next page; null on the last page */
  nextCursor: z.string().nullable(),
});
export type ImagePage = z.infer<typeof imagePageSchema>;

/** GET /api/datasets/:id/images/count */
export const imageCountSchema = z.object({ total: z.number().int() });
