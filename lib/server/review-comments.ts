import { z } from "zod";
import { db as defaultDb, type Db } from "./db";

export const commentInputSchema = z.object({
  body: z.string().trim().min(1, "write what needs fixing").max(2_000),
  /** attach to one box of the image (like a CVAT issue), or leave out for the whole image */
  boxId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/).optional(),
});

export class CommentTargetError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CommentTargetError";
  }
}

export async function addComment(imageId: string, input: z.infer<typeof commentInputSchema>, options: { authorId?: string; db?: Db } = {}) {
  const database = options.db ?? defaultDb();
  const image = await database.image.findUnique({ where: { id: imageId }, select: { id: true } });
  if (!image) throw new CommentTargetError(`no image ${imageId}`);
  if (input.boxId && !(await database.box.findFirst({ where: { id: input.boxId, imageId }, select: { id: true } }))) {
    throw new CommentTargetError(`image ${imageId} has no box ${input.boxId}`);
  }
  return database.reviewComment.create({ data: { imageId, boxId: input.boxId ?? null, body: input.body, authorId: options.authorId ?? null } });
}

export async function listComments(imageId: string, database: Db = defaultDb()) {
  return database.reviewComment.findMany({ where: { imageId }, orderBy: { createdAt: "desc" }, include: { author: { select: { name: true } } } });
}

/** Marks every open comment of the image resolved; returns how many there were. */
export async function resolveComments(imageId: string, database: Db = defaultDb()): Promise<number> {
  const { count } = await database.reviewComment.updateMany({ where: { imageId, resolvedAt: null }, data: { resolvedAt: new Date() } });
  return count;
}
