import { z } from "zod";
import { meetsMinimumBoxSize, MIN_BOX_SIZE, type PixelBox } from "./box";
import { BOX_SOURCES, LABEL_STATUSES } from "./states";

/** An edited box as the editor sends it: validated at the API boundary before anything else. */
export const boxInputSchema = z
  .object({
    /** kept across saves so review comments stay attached to their box; new boxes bring a fresh id */
    id: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/).optional(),
    className: z.string().min(1).max(100),
    xmin: z.number().finite(),
    ymin: z.number().finite(),
    xmax: z.number().finite(),
    ymax: z.number().finite(),
    difficult: z.boolean().default(false),
    truncated: z.boolean().default(false),
    occluded: z.boolean().default(false),
    pose: z.string().max(100).nullish(),
    attributes: z.record(z.string(), z.unknown()).nullish(),
    source: z.enum(BOX_SOURCES).default("human"),
  })
  .refine((b) => b.xmax > b.xmin && b.ymax > b.ymin, { message: "a box needs xmax > xmin and ymax > ymin" });

export const MAX_BOXES_PER_IMAGE = 5_000;

/** A side this close to its recorded length was moved, not resized (moving adds float noise). */
const SAME_LENGTH_PX = 1e-6;

/**
 * Why a box in a save breaks the editor's MIN_BOX_SIZE, or null. As in the editor, the minimum
 * holds for a box a person draws or resizes; one kept at its recorded size (an imported 1 px box,
 * perhaps moved) is left as it is. `recorded` is the same box as stored before the save.
 */
export function boxSizeProblem(box: PixelBox, label: string, recorded?: PixelBox): string | null {
  if (meetsMinimumBoxSize(box)) return null;
  const width = box.xmax - box.xmin;
  const height = box.ymax - box.ymin;
  const kept = recorded !== undefined && Math.abs(width - (recorded.xmax - recorded.xmin)) <= SAME_LENGTH_PX && Math.abs(height - (recorded.ymax - recorded.ymin)) <= SAME_LENGTH_PX;
  if (kept) return null;
  const px = (length: number) => String(Number(length.toPrecision(3)));
  return `${label} is ${px(width)}x${px(height)} px: a box must be at least ${MIN_BOX_SIZE}x${MIN_BOX_SIZE} px (the editor's minimum); draw it larger or delete it`;
}

export const saveAnnotationsSchema = z
  .object({
    /** the annotationVersion the editor started from: a stale one is refused (409) */
    expectedVersion: z.number().int().min(0),
    labelStatus: z.enum(LABEL_STATUSES).optional(),
    boxes: z.array(boxInputSchema).max(MAX_BOXES_PER_IMAGE),
    note: z.string().max(2_000).optional(),
    /** a model's boxes saved as a starting point (batch pre-label): the image stays unlabeled for a person to confirm */
    prelabel: z.boolean().optional(),
  })
  .refine((s) => !s.prelabel || s.boxes.every((b) => b.source === "model"), { message: "pre-labels are the model's boxes: every box needs source \"model\"", path: ["boxes"] })
  .refine((s) => !s.prelabel || s.labelStatus === undefined || s.labelStatus === "unlabeled", { message: "pre-labelled images stay unlabeled", path: ["labelStatus"] });

export type BoxInput = z.infer<typeof boxInputSchema>;
export type SaveAnnotationsInput = z.infer<typeof saveAnnotationsSchema>;
