import { z } from "zod";

/**
 * A box as the grid's thumbnails draw it: [class name, xmin, ymin, xmax, ymax] in the image's own
 * pixels (lib/domain/box.ts convention), rounded to whole pixels. A tuple, not an object: a page
 * of crowded photos carries thousands of them.
 */
export const thumbnailBoxSchema = z.tuple([z.string(), z.number(), z.number(), z.number(), z.number()]);
export type ThumbnailBox = z.infer<typeof thumbnailBoxSchema>;

/** One image of the dataset browser's grid. */
export const imageListItemSchema = z.object({
  id: z.string(),
  fileName: z.string(),
  width: z.number().int(),
  height: z.number().int(),
  split: z.string(),
  labelStatus: z.string(),
  boxCount: z.number().int(),
  /** every box of the image, for the thumbnail's overlay; `width`/`height` are what they are relative to */
  boxes: z.array(thumbnailBoxSchema),
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
