import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { addComment, CommentTargetError, listComments, resolveComments } from "./review-comments";
import { writeSampleDataset } from "./sample-dataset";
import { createTestEnv, type TestEnv } from "./testing/test-env";
import { importVocFolder } from "./voc-import";

let env: TestEnv;
let work: string;
beforeEach(async () => {
  env = await createTestEnv();
  work = await mkdtemp(path.join(os.tmpdir(), "masklab-comments-"));
  await writeSampleDataset(work, { count: 2, seed: 8 });
  await importVocFolder(work, { name: "c", db: env.db, store: env.store });
});
afterEach(async () => {
  await env.cleanup();
  await rm(work, { recursive: true, force: true });
});

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
