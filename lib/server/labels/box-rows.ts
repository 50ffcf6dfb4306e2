import { boxAttributesColumn } from "@/lib/contracts/stored/labels";
import { parseStored, toStoredJson } from "@/lib/contracts/stored/parse";
import type { AnnotatedBox } from "@/lib/domain/annotation-set";
import type { BoxSource } from "@/lib/domain/states";
import type { Box, Prisma } from "@/generated/prisma/client";

/** Database row → domain box. */
export function toAnnotatedBox(row: Box): AnnotatedBox {
  return {
    className: row.className,
    xmin: row.xmin,
    ymin: row.ymin,
    xmax: row.xmax,
    ymax: row.ymax,
    difficult: row.difficult,
    truncated: row.truncated,
    occluded: row.occluded,
    pose: row.pose,
    attributes: parseStored(boxAttributesColumn, row.attributes, row.id),
  };
}

/** Domain box → the data to create its row (under an image). */
export function toBoxCreate(box: AnnotatedBox, source: BoxSource): Prisma.BoxCreateWithoutImageInput {
  return {
    className: box.className,
    xmin: box.xmin,
    ymin: box.ymin,
    xmax: box.xmax,
    ymax: box.ymax,
    difficult: box.difficult,
    truncated: box.truncated,
    occluded: box.occluded,
    pose: box.pose ?? null,
    attributes: box.attributes ? toStoredJson(boxAttributesColumn, box.attributes) : undefined,
    source,
  };
}
