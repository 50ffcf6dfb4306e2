import type { ImageListItem, ImagePage, ThumbnailBox } from "@/lib/contracts/http/images";
import { datasetClassesColumn } from "@/lib/contracts/stored/datasets";
import { parseStored } from "@/lib/contracts/stored/parse";
import type { ImageFilter } from "@/lib/domain/image-filter";
import { BOX_ORDER } from "../labels/annotations";
import { db as defaultDb, type Db } from "../platform/db";
import { imageWhere } from "./image-query";
import { DatasetNotFoundError } from "../platform/not-found";

export const MAX_PAGE_SIZE = 200;

const LIST_FIELDS = {
  id: true,
  fileName: true,
  width: true,
  height: true,
  split: true,
  labelStatus: true,
  boxCount: true,
  // One extra query per page (boxes whose imageId is among the page's, on the imageId index), not one per image.
  boxes: { select: { className: true, xmin: true, ymin: true, xmax: true, ymax: true }, orderBy: BOX_ORDER },
} as const;

type ListedBox = { className: string; xmin: number; ymin: number; xmax: number; ymax: number };

/** Whole pixels are finer than any thumbnail shows, and keep the page small. */
const toThumbnailBox = (box: ListedBox): ThumbnailBox => [box.className, Math.round(box.xmin), Math.round(box.ymin), Math.round(box.xmax), Math.round(box.ymax)];

/** Cursors are opaque to clients: the last file name of the page, base64url-encoded. */
export const encodeCursor = (fileName: string) => Buffer.from(fileName, "utf8").toString("base64url");
export const decodeCursor = (cursor: string) => Buffer.from(cursor, "base64url").toString("utf8");

/**
 * One page of a dataset's images in file-name order, each with its boxes for the thumbnail
 * overlay. Keyset pagination (file name > cursor) keeps every page as fast as the first,
 * whatever the dataset size.
 */
export async function listImages(
  datasetId: string,
  filter: ImageFilter,
  page: { after?: string; limit: number },
  database: Db = defaultDb(),
): Promise<ImagePage> {
  const where = imageWhere(datasetId, filter, database);
  const limit = Math.min(Math.max(page.limit, 1), MAX_PAGE_SIZE);
  const rows = await database.image.findMany({
    where: page.after ? { AND: [where, { fileName: { gt: decodeCursor(page.after) } }] } : where,
    orderBy: { fileName: "asc" },
    take: limit + 1,
    select: LIST_FIELDS,
  });
  const items: ImageListItem[] = rows.slice(0, limit).map((row) => ({ ...row, boxes: row.boxes.map(toThumbnailBox) }));
  if (items.length === 0) await requireDataset(datasetId, database);
  return { items, nextCursor: rows.length > limit ? encodeCursor(items[items.length - 1]!.fileName) : null };
}

/**
 * How many images match. Kept apart from the pages: counting visits every match, while a page
 * stops after 100, so the grid shows images first and the count a moment later.
 */
export async function countImages(datasetId: string, filter: ImageFilter, database: Db = defaultDb()): Promise<number> {
  const count = await database.image.count({ where: imageWhere(datasetId, filter, database) });
  if (count === 0) await requireDataset(datasetId, database);
  return count;
}

/** An empty answer is only an answer for a dataset that exists (checked then, off the hot path). */
async function requireDataset(datasetId: string, database: Db): Promise<void> {
  if (!(await database.dataset.findUnique({ where: { id: datasetId }, select: { id: true } }))) throw new DatasetNotFoundError(datasetId);
}

export interface ImageNeighbours {
  previous: string | null;
  next: string | null;
  /** 1-based position within the filtered list, and its length */
  position: number;
  total: number;
}

/** Where an image sits in a filtered list: what next/previous open in the labeling view. */
export async function imageNeighbours(datasetId: string, filter: ImageFilter, fileName: string, database: Db = defaultDb()): Promise<ImageNeighbours> {
  const where = imageWhere(datasetId, filter, database);
  const [previous, next, before, total] = await Promise.all([
    database.image.findFirst({ where: { AND: [where, { fileName: { lt: fileName } }] }, orderBy: { fileName: "desc" }, select: { id: true } }),
    database.image.findFirst({ where: { AND: [where, { fileName: { gt: fileName } }] }, orderBy: { fileName: "asc" }, select: { id: true } }),
    database.image.count({ where: { AND: [where, { fileName: { lt: fileName } }] } }),
    database.image.count({ where }),
  ]);
  return { previous: previous?.id ?? null, next: next?.id ?? null, position: before + 1, total };
}

export async function getImageWithBoxes(id: string, database: Db = defaultDb()) {
  const image = await database.image.findUnique({
    where: { id },
    include: {
      boxes: { orderBy: BOX_ORDER },
      dataset: { select: { id: true, name: true, classes: true } },
      importIssues: { select: { code: true, severity: true, message: true, file: true } },
    },
  });
  return image && { ...image, dataset: { ...image.dataset, classes: parseStored(datasetClassesColumn, image.dataset.classes, image.dataset.id) } };
}
