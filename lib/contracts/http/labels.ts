import { z } from "zod";
import type { EditorBox } from "@/lib/domain/editor-commands";
import { BOX_SOURCES, LABEL_STATUSES } from "@/lib/domain/states";
import { revisionBoxSchema, revisionSetSchema } from "../stored/labels";
import { apiErrorSchema, timestampSchema } from "./json";

/** A stored box as the editor receives it: a revision's box, always with its id (which keeps review comments attached across saves) and source. */
export const storedBoxSchema = revisionBoxSchema.extend({ id: z.string(), source: z.enum(BOX_SOURCES) }) satisfies z.ZodType<EditorBox>;

/** GET /api/images/:id/annotations: the labels, and the version an editor sends back when saving. */
export const storedAnnotationsSchema = z.object({
  version: z.number().int(),
  set: z.object({ labelStatus: z.enum(LABEL_STATUSES), boxes: z.array(storedBoxSchema) }),
});
export type StoredAnnotations = z.infer<typeof storedAnnotationsSchema>;

/** PUT /api/images/:id/annotations and POST …/revisions/:version/restore → 200. */
export const savedAnnotationsSchema = z.object({
  version: z.number().int(),
  /** the status the review rules gave the image (it may differ from the one asked for) */
  labelStatus: z.enum(LABEL_STATUSES),
});
export type SavedAnnotations = z.infer<typeof savedAnnotationsSchema>;

/** → 409 when someone saved since the editor loaded: what is stored now, to merge or reload. */
export const annotationConflictSchema = apiErrorSchema.extend({ current: storedAnnotationsSchema.optional() });

/** One label revision as the history lists it, with the annotation set it recorded. */
export const revisionSchema = z.object({
  version: z.number().int(),
  action: z.string(),
  createdAt: timestampSchema,
  note: z.string().nullable(),
  author: z.object({ name: z.string() }).nullable(),
  after: revisionSetSchema,
});
export type Revision = z.infer<typeof revisionSchema>;

/** GET /api/images/:id/revisions, newest first. */
export const revisionListSchema = z.object({ revisions: z.array(revisionSchema) });

/** POST /api/images/:id/comments */
export const commentInputSchema = z.object({
  body: z.string().trim().min(1, "write what needs fixing").max(2_000),
  /** attach to one box of the image (like a CVAT issue), or leave out for the whole image */
  boxId: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/).optional(),
});
export type CommentInput = z.infer<typeof commentInputSchema>;

/** POST /api/images/:id/comments → 201: the new comment. */
export const newReviewCommentSchema = z.object({
  id: z.string(),
  body: z.string(),
  /** the box the comment is about; null for the whole image */
  boxId: z.string().nullable(),
  createdAt: timestampSchema,
  resolvedAt: timestampSchema.nullable(),
});

export type NewReviewComment = z.infer<typeof newReviewCommentSchema>;

export const reviewCommentSchema = newReviewCommentSchema.extend({ author: z.object({ name: z.string() }).nullable() });
export type ReviewComment = z.infer<typeof reviewCommentSchema>;

/** GET /api/images/:id/comments, newest first. */
export const reviewCommentListSchema = z.object({ comments: z.array(reviewCommentSchema) });

/** POST /api/images/:id/comments/resolve: how many open comments were marked resolved. */
export const resolvedCommentsSchema = z.object({ resolved: z.number().int() });

/** What one save of the editor comes to: saved, refused because someone saved first (409), or failed with why. */
export type SaveLabelsResult =
  | ({ kind: "saved" } & SavedAnnotations)
  | { kind: "conflict"; current: StoredAnnotations }
  | { kind: "failed"; error: string };
