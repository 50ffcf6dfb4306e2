import { sameAnnotationSet, type AnnotationSet } from "@/lib/domain/annotation-set";
import { boxSizeProblem, type BoxInput, type SaveAnnotationsInput } from "@/lib/domain/annotation-schema";
import { isInside, type PixelBox } from "@/lib/domain/box";
import { decideLabelStatus, statusRequestRefusal, type LabelStatusDecision, type LabelWriteKind } from "@/lib/domain/label-status";
import { can } from "@/lib/domain/permissions";
import type { BoxSource, LabelStatus } from "@/lib/domain/states";
import type { Box, Prisma } from "@/generated/prisma/client";
import type { SavedAnnotations, StoredAnnotations } from "@/lib/contracts/http/labels";
import { datasetClassesColumn } from "@/lib/contracts/stored/datasets";
import { revisionAfterColumn, revisionBeforeColumn } from "@/lib/contracts/stored/labels";
import { parseStored, toStoredJson } from "@/lib/contracts/stored/parse";
import type { Actor } from "../auth/guard";
import { toAnnotatedBox, toBoxCreate } from "./box-rows";
import { db as defaultDb, type Db } from "../platform/db";
import { DomainError } from "../platform/errors";
import { NotFoundError } from "../platform/not-found";

export class AnnotationNotFoundError extends NotFoundError {
  constructor(what: string) {
    super(what);
    this.name = "AnnotationNotFoundError";
  }
}

export class InvalidAnnotationError extends DomainError {
  readonly status = 400;

  constructor(message: string) {
    super(message);
    this.name = "InvalidAnnotationError";
  }
}

/** The review rules refuse this write: a review status from someone who may not review (403), pre-labels onto a labelled image (409). */
export class LabelStatusRefusedError extends DomainError {
  readonly status: 403 | 409;

  constructor(decision: LabelStatusDecision & { ok: false }) {
    super(decision.message);
    this.name = "LabelStatusRefusedError";
    this.status = decision.refusal === "not-a-reviewer" ? 403 : 409;
  }
}

/** Someone saved this image since the editor loaded it; the answer carries what is stored now. */
export class AnnotationConflictError extends DomainError {
  readonly status = 409;

  constructor(readonly current: StoredAnnotations) {
    super(`the labels were changed by someone else (now version ${current.version}); merge or reload`, { details: { current } });
    this.name = "AnnotationConflictError";
  }
}

/** Who writes labels, as far as the review rules care. */
export interface LabelAuthor {
  id?: string;
  /** holds "labels.review": may set reviewed / needs fix, and keeps an approval when editing */
  mayReview: boolean;
}

export function labelAuthorOf(actor: Actor): LabelAuthor {
  return actor.kind === "user" ? { id: actor.user.id, mayReview: can(actor.user.role, "labels.review") } : { id: actor.createdById, mayReview: false };
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
 * appends the revision that makes the change recoverable. The status follows the review rules
 * (lib/domain/label-status.ts) for the author: `input.prelabel` saves a model's boxes as pre-labels.
 */
export async function saveAnnotations(
  imageId: string,
  input: SaveAnnotationsInput,
  options: { author?: LabelAuthor; db?: Db } = {},
): Promise<SavedAnnotations> {
  return writeLabels(imageId, { kind: input.prelabel ? "prelabel" : "edit", expectedVersion: input.expectedVersion, requested: input.labelStatus, boxes: input.boxes, note: input.note }, options);
}

interface LabelWriteInput {
  kind: LabelWriteKind;
  expectedVersion: number;
  requested?: LabelStatus;
  boxes: BoxInput[];
  note?: string;
}

/** The one write of an image's labels behind a save and a restore: same box checks, same status rules. */
async function writeLabels(imageId: string, input: LabelWriteInput, options: { author?: LabelAuthor; db?: Db }): Promise<SavedAnnotations> {
  const database = options.db ?? defaultDb();
  const author = options.author ?? { mayReview: false };
  const refused = statusRequestRefusal({ ...input, mayReview: author.mayReview });
  if (refused) throw new LabelStatusRefusedError(refused);
  return database.$transaction(async (tx) => {
    const image = await tx.image.findUnique({ where: { id: imageId }, include: { boxes: true, dataset: { select: { id: true, classes: true } } } });
    if (!image) throw new AnnotationNotFoundError(`no image ${imageId}`);
    const stored = new Map(image.boxes.map((b) => [b.id, b]));
    // A restore brings back boxes as a revision recorded them; a save is held to the minimum for what it draws or resizes.
    checkBoxes(input.boxes, parseStored(datasetClassesColumn, image.dataset.classes, image.dataset.id), image, (box) => (input.kind === "restore" ? box : box.id ? stored.get(box.id) : undefined));
    const before: AnnotationSet = { labelStatus: image.labelStatus as LabelStatus, boxes: image.boxes.map(toAnnotatedBox) };
    const decision = decideLabelStatus({
      kind: input.kind,
      current: before.labelStatus,
      requested: input.requested,
      mayReview: author.mayReview,
      boxesChanged: !sameAnnotationSet(before, { labelStatus: before.labelStatus, boxes: input.boxes }),
    });
    if (!decision.ok) throw new LabelStatusRefusedError(decision);
    const { status: labelStatus } = decision;
    const version = input.expectedVersion + 1;
    const claimed = await tx.image.updateMany({
      where: { id: imageId, annotationVersion: input.expectedVersion },
      data: { annotationVersion: version, labelStatus, boxCount: input.boxes.length },
    });
    if (claimed.count === 0) throw new AnnotationConflictError(await getAnnotations(imageId, tx));

    // Boxes keep their source in the revision, so a restore brings back where each box came from.
    const after = { labelStatus, boxes: input.boxes };
    // Boxes are matched by id: kept ones are updated in place (their review comments stay
    // attached), missing ones deleted, new ones created with the editor's id when it is free.
    const incoming = input.boxes.filter((b) => b.id && stored.has(b.id)).map((b) => b.id!);
    await tx.box.deleteMany({ where: { imageId, id: { notIn: incoming } } });
    const wanted = input.boxes.filter((b) => b.id && !stored.has(b.id)).map((b) => b.id!);
    const taken = new Set((await tx.box.findMany({ where: { id: { in: wanted } }, select: { id: true } })).map((b) => b.id));
    const fresh: Prisma.BoxCreateManyInput[] = [];
    for (const { id, ...box } of input.boxes) {
      const data = toBoxCreate(box, box.source);
      const old = id ? stored.get(id) : undefined;
      if (!old) fresh.push({ ...(data as Prisma.BoxCreateManyInput), imageId, ...(id && !taken.has(id) ? { id } : {}) });
      else if (!sameBox(old, data)) await tx.box.update({ where: { id: old.id }, data });
    }
    await tx.box.createMany({ data: fresh });
    const note = [input.note, decision.reason].filter(Boolean).join(" · ");
    await tx.labelRevision.create({
      data: {
        imageId,
        version,
        action: decision.action,
        authorId: author.id ?? null,
        before: toStoredJson(revisionBeforeColumn, before),
        after: toStoredJson(revisionAfterColumn, after),
        note: note || null,
      },
    });
    return { version, labelStatus };
  });
}

function checkBoxes(boxes: BoxInput[], classes: string[], image: { width: number; height: number }, recorded: (box: BoxInput) => PixelBox | undefined): void {
  boxes.forEach((b, i) => {
    const label = `box ${i + 1} (${b.className})`;
    if (!classes.includes(b.className)) throw new InvalidAnnotationError(`box ${i + 1}: class "${b.className}" is not one of ${classes.join(", ")}`);
    if (!isInside(b, image)) throw new InvalidAnnotationError(`${label}: (${b.xmin}, ${b.ymin})–(${b.xmax}, ${b.ymax}) is outside the ${image.width}x${image.height} image`);
    const tooSmall = boxSizeProblem(b, label, recorded(b));
    if (tooSmall) throw new InvalidAnnotationError(tooSmall);
  });
}

export async function listRevisions(imageId: string, database: Db = defaultDb()) {
  const revisions = await database.labelRevision.findMany({
    where: { imageId },
    orderBy: { version: "desc" },
    select: { version: true, action: true, createdAt: true, note: true, author: { select: { name: true } }, after: true },
  });
  // Every stored image has its import revision, so an empty list means the id names nothing.
  if (revisions.length === 0 && !(await database.image.findUnique({ where: { id: imageId }, select: { id: true } }))) {
    throw new AnnotationNotFoundError(`no image with id "${imageId}"`);
  }
  return revisions.map((revision) => ({ ...revision, after: parseStored(revisionAfterColumn, revision.after, `image ${imageId} version ${revision.version}`) }));
}

/**
 * Brings back the annotation set of an earlier revision, as a new revision (nothing is lost),
 * under the same rules as a save: the revision's status comes back only where the author could
 * have set it (an annotator cannot restore "reviewed" over a reviewer's "needs fix").
 */
export async function restoreRevision(imageId: string, version: number, expectedVersion: number, options: { author?: LabelAuthor; db?: Db } = {}): Promise<SavedAnnotations> {
  const database = options.db ?? defaultDb();
  const revision = await database.labelRevision.findUnique({ where: { imageId_version: { imageId, version } } });
  if (!revision) throw new AnnotationNotFoundError(`image ${imageId} has no revision ${version}`);
  const set = parseStored(revisionAfterColumn, revision.after, revision.id);
  return writeLabels(
    imageId,
    { kind: "restore", expectedVersion, requested: set.labelStatus, boxes: set.boxes.map((b) => ({ ...b, source: b.source ?? "import" })), note: `restored revision ${version}` },
    { ...options, db: database },
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
