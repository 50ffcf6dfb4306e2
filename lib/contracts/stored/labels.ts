import { z } from "zod";
import type { AnnotationSet } from "@/lib/domain/annotation-set";
import { BOX_SOURCES, LABEL_STATUSES } from "@/lib/domain/states";
import { storedColumn } from "./parse";

/** Per-object VOC tags Masklab does not model, and custom attributes. */
export const boxAttributesSchema = z.record(z.string(), z.unknown());

export const boxAttributesColumn = storedColumn("Box", "attributes", boxAttributesSchema.nullable());

/** A box as a revision records it: lib/domain/annotation-set's AnnotatedBox, with its id and source when an edit wrote it. */
export const revisionBoxSchema = z.object({
  id: z.string().optional(),
  className: z.string(),
  xmin: z.number(),
  ymin: z.number(),
  xmax: z.number(),
  ymax: z.number(),
  difficult: z.boolean(),
  truncated: z.boolean(),
  occluded: z.boolean(),
  pose: z.string().nullish(),
  attributes: boxAttributesSchema.nullish(),
  /** recorded by edits; an import's boxes and a "before" set carry none */
  source: z.enum(BOX_SOURCES).optional(),
});

/** An image's whole annotation set, as a label revision records it before and after. */
export const revisionSetSchema = z.object({
  labelStatus: z.enum(LABEL_STATUSES),
  boxes: z.array(revisionBoxSchema),
}) satisfies z.ZodType<AnnotationSet>;
export type RevisionSet = z.infer<typeof revisionSetSchema>;

/** null for the first revision of an image */
export const revisionBeforeColumn = storedColumn("LabelRevision", "before", revisionSetSchema.nullable());
export const revisionAfterColumn = storedColumn("LabelRevision", "after", revisionSetSchema);
