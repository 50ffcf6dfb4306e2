import type { ImageFilter } from "@/lib/domain/image-filter";
import type { Prisma } from "@/generated/prisma/client";
import { containsIgnoringCase, db as defaultDb, type Db } from "../platform/db";

/** The database condition for "images of this dataset matching the filter". */
export function imageWhere(datasetId: string, filter: ImageFilter, database: Db = defaultDb()): Prisma.ImageWhereInput {
  const where: Prisma.ImageWhereInput = { datasetId };
  if (filter.split) where.split = filter.split;
  if (filter.labelStatus) where.labelStatus = filter.labelStatus;
  if (filter.className) where.boxes = { some: { className: filter.className } };
  if (filter.issue) where.importIssues = { some: { code: filter.issue } };
  if (filter.minBoxes !== undefined || filter.maxBoxes !== undefined) {
    where.boxCount = { gte: filter.minBoxes, lte: filter.maxBoxes };
  }
  if (filter.q) where.fileName = containsIgnoringCase(filter.q, database);
  return where;
}
