import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { addComment, CommentTargetError, listComments, resolveComments } from "./review-comments";
import { createSampleTestEnv, type SampleTestEnv } from "../testing/test-env";

let env: SampleTestEnv;
beforeEach(async () => {
  env = await createSampleTestEnv({ count: 2, seed: 8 });
});
afterEach(() => env.cleanup());

describe("review comments", () => {
  it("attach to the image or to one of its boxes, never to another image's box", async () => {
    const [a, b] = await env.db.image.findMany({ include: { boxes: true }, orderBy: { fileName: "asc" } });
    await addComment(a!.id, { body: "whole image is blurry" }, { db: env.db });
    await addComment(a!.id, { body: "too wide", boxId: a!.boxes[0]!.id }, { db: env.db });
    await expect(addComment(a!.id, { body: "x", boxId: b!.boxes[0]!.id }, { db: env.db })).rejects.toBeInstanceOf(CommentTargetError);
    await expect(addComment("missing", { body: "x" }, { db: env.db })).rejects.toBeInstanceOf(CommentTargetError);
    const comments = await listComments(a!.id, env.db);
    expect(comments.map((c) => [c.body, c.boxId !== null])).toEqual(
      expect.arrayContaining([
        ["whole image is blurry", false],
        ["too wide", true],
      ]),
    );
  });

  it("resolve all open comments of an image at once", async () => {
    const [a] = await env.db.image.findMany({ orderBy: { fileName: "asc" } });
    await addComment(a!.id, { body: "one" }, { db: env.db });
    await addComment(a!.id, { body: "two" }, { db: env.db });
    expect(await resolveComments(a!.id, env.db)).toBe(2);
    expect(await resolveComments(a!.id, env.db)).toBe(0);
    expect((await listComments(a!.id, env.db)).every((c) => c.resolvedAt !== null)).toBe(true);
  });
});
