import type { CommentInput } from "@/lib/contracts/http/labels";
import { db as defaultDb, type Db } from "../platform/db";
import { NotFoundError } from "../platform/not-found";

/** The image (or the box of it) a comment is about does not exist. */
export class CommentTargetError extends NotFoundError {}

export async function addComment(imageId: string, input: CommentInput, options: { authorId?: string; db?: Db } = {}) {
  const database = options.db ?? defaultDb();
  await requireImage(imageId, database);
  if (input.boxId && !(await database.box.findFirst({ where: { id: input.boxId, imageId }, select: { id: true } }))) {
    throw new CommentTargetError(`image ${imageId} has no box ${input.boxId}`);
  }
  return database.reviewComment.create({ data: { imageId, boxId: input.boxId ?? null, body: input.body, authorId: options.authorId ?? null } });
}

export async function listComments(imageId: string, database: Db = defaultDb()) {
  const comments = await database.reviewComment.findMany({ where: { imageId }, orderBy: { createdAt: "desc" }, include: { author: { select: { name: true } } } });
  if (comments.length === 0) await requireImage(imageId, database);
  return comments;
}

/** Marks every open comment of the image resolved; returns how many there were. */
export async function resolveComments(imageId: string, database: Db = defaultDb()): Promise<number> {
  const { count } = await database.reviewComment.updateMany({ where: { imageId, resolvedAt: null }, data: { resolvedAt: new Date() } });
  if (count === 0) await requireImage(imageId, database);
  return count;
}

async function requireImage(imageId: string, database: Db): Promise<void> {
  if (!(await database.image.findUnique({ where: { id: imageId }, select: { id: true } }))) throw new CommentTargetError(`no image ${imageId}`);
}
