import type { AnnotatedBox, AnnotationSet } from "@/lib/domain/annotation-set";
import type { BoxInput, SaveAnnotationsInput } from "@/lib/domain/annotation-schema";
import { isInside } from "@/lib/domain/box";
import type { BoxSource, LabelStatus } from "@/lib/domain/states";
import type { Box, Prisma } from "@/generated/prisma/client";
import { toAnnotatedBox, toBoxCreate } from "./box-rows";
import { db as defaultDb, type Db } from "./db";

export class AnnotationNotFoundError extends Error {
  constructor(what: string) {
    super(what);
    this.name = "AnnotationNotFoundError";
  }
}

export class InvalidAnnotationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "InvalidAnnotationError";
  }
}

/** Someone saved this image since the editor loaded it; carries what is stored now. */
export class AnnotationConflictError extends Error {
  constructor(readonly current: StoredAnnotations) {
    super(`the labels were changed by someone else (now version ${current.version}); merge or reload`);
    this.name = "AnnotationConflictError";
  }
}

export interface StoredAnnotations {
  version: number;
  set: { labelStatus: LabelStatus; boxes: Array<AnnotatedBox & { id: string; source: BoxSource }> };
}

/** Boxes in the order they were drawn (ties broken by id, so every reader sees one order). */
export const BOX_ORDER = [{ createdAt: "asc" }, { id: "asc" }] satisfies Prisma.BoxOrderByWithRelationInput[];

export async function getAnnotations(imageId: string, database: Db | Prisma.TransactionClient = defaultDb()): Promise<StoredAnnotations> {
  const image = await database.image.findUnique({ where: { id: imageId }, include: { boxes: { orderBy: BOX_ORDER } } });
  if (!image) throw new AnnotationNotFoundError(`no image ${imageId}`);
  return storedAnnotationsOf(image);
}

/** An image row with its boxes (in BOX_ORDER) as the editor's starting point. */
export function storedAnnotationsOf(image: { annotationVersion: number; labelStatus: string; boxes: Box[] }): StoredAnnotations {
  return {
    version: image.annotationVersion,
    set: { labelStatus: image.labelStatus as LabelStatus, boxes: image.boxes.map((b) => ({ ...toAnnotatedBox(b), id: b.id, source: b.source as BoxSource })) },
  };
}

/**
 * Replaces an image's annotation set if, and only if, nobody saved it since `expectedVersion`
 * (compare-and-set on the version, so two annotators can never overwrite each other), and
 * appends the revision that makes the change recoverable.
 */
export async function saveAnnotations(
  imageId: string,
  input: SaveAnnotationsInput,
  options: { authorId?: string; action?: "edit" | "restore" | "review" | "prelabel"; db?: Db } = {},
): Promise<{ version: number }> {
  const database = options.db ?? defaultDb();
  return database.$transaction(async (tx) => {
    const image = await tx.image.findUnique({ where: { id: imageId }, include: { boxes: true, dataset: { select: { classes: true } } } });
    if (!image) throw new AnnotationNotFoundError(`no image ${imageId}`);
    checkBoxes(input.boxes, image.dataset.classes as string[], image);
    const labelStatus: LabelStatus = input.labelStatus ?? (image.labelStatus === "unlabeled" ? "labeled" : (image.labelStatus as LabelStatus));
    const version = input.expectedVersion + 1;
    const claimed = await tx.image.updateMany({
      where: { id: imageId, annotationVersion: input.expectedVersion },
      data: { annotationVersion: version, labelStatus, boxCount: input.boxes.length },
    });
    if (claimed.count === 0) throw new AnnotationConflictError(await getAnnotations(imageId, tx));

    const before: AnnotationSet = { labelStatus: image.labelStatus as LabelStatus, boxes: image.boxes.map(toAnnotatedBox) };
    // Boxes keep their source in the revision, so a restore brings back where each box came from.
    const after = { labelStatus, boxes: input.boxes };
    // Boxes are matched by id: kept ones are updated in place (their review comments stay
    // attached), missing ones deleted, new ones created with the editor's id when it is free.
    const existing = new Set(image.boxes.map((b) => b.id));
    const incoming = input.boxes.filter((b) => b.id && existing.has(b.id)).map((b) => b.id!);
    await tx.box.deleteMany({ where: { imageId, id: { notIn: incoming } } });
    const wanted = input.boxes.filter((b) => b.id && !existing.has(b.id)).map((b) => b.id!);
    const taken = new Set((await tx.box.findMany({ where: { id: { in: wanted } }, select: { id: true } })).map((b) => b.id));
    const stored = new Map(image.boxes.map((b) => [b.id, b]));
    const fresh: Prisma.BoxCreateManyInput[] = [];
    for (const { id, ...box } of input.boxes) {
      const data = toBoxCreate(box, box.source);
      const old = id ? stored.get(id) : undefined;
      if (!old) fresh.push({ ...(data as Prisma.BoxCreateManyInput), imageId, ...(id && !taken.has(id) ? { id } : {}) });
      else if (!sameBox(old, data)) await tx.box.update({ where: { id: old.id }, data });
    }
    await tx.box.createMany({ data: fresh });
    await tx.labelRevision.create({
      data: {
        imageId,
        version,
        action: options.action ?? "edit",
        authorId: options.authorId ?? null,
        before: before as unknown as Prisma.InputJsonObject,
        after: after as unknown as Prisma.InputJsonObject,
        note: input.note ?? null,
      },
    });
    return { version };
  });
}

function checkBoxes(boxes: BoxInput[], classes: string[], image: { width: number; height: number }): void {
  boxes.forEach((b, i) => {
    if (!classes.includes(b.className)) throw new InvalidAnnotationError(`box ${i + 1}: class "${b.className}" is not one of ${classes.join(", ")}`);
    if (!isInside(b, image)) throw new InvalidAnnotationError(`box ${i + 1}: (${b.xmin}, ${b.ymin})–(${b.xmax}, ${b.ymax}) is outside the ${image.width}x${image.height} image`);
  });
}

export async function listRevisions(imageId: string, database: Db = defaultDb()) {
  return database.labelRevision.findMany({
    where: { imageId },
    orderBy: { version: "desc" },
    select: { version: true, action: true, createdAt: true, note: true, author: { select: { name: true } }, after: true },
  });
}

/** Brings back the annotation set of an earlier revision, as a new revision (nothing is lost). */
export async function restoreRevision(imageId: string, version: number, expectedVersion: number, options: { authorId?: string; db?: Db } = {}) {
  const database = options.db ?? defaultDb();
  const revision = await database.labelRevision.findUnique({ where: { imageId_version: { imageId, version } } });
  if (!revision) throw new AnnotationNotFoundError(`image ${imageId} has no revision ${version}`);
  const set = revision.after as unknown as { labelStatus: LabelStatus; boxes: Array<AnnotatedBox & { source?: BoxInput["source"] }> };
  return saveAnnotations(
    imageId,
    { expectedVersion, labelStatus: set.labelStatus, boxes: set.boxes.map((b) => ({ ...b, source: b.source ?? "import" })), note: `restored revision ${version}` },
    { ...options, action: "restore", db: database },
  );
}

function sameBox(row: Box, data: Prisma.BoxCreateWithoutImageInput): boolean {
  return (
    row.className === data.className &&
    row.xmin === data.xmin &&
    row.ymin === data.ymin &&
    row.xmax === data.xmax &&
    row.ymax === data.ymax &&
    row.difficult === data.difficult &&
    row.truncated === data.truncated &&
    row.occluded === data.occluded &&
    row.pose === (data.pose ?? null) &&
    row.source === data.source &&
    JSON.stringify(row.attributes ?? null) === JSON.stringify(data.attributes ?? null)
  );
}
