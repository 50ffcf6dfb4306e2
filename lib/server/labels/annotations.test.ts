import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { revisionBeforeColumn } from "@/lib/contracts/stored/labels";
import { parseStored } from "@/lib/contracts/stored/parse";
import type { BoxInput } from "@/lib/domain/annotation-schema";
import { AnnotationConflictError, getAnnotations, InvalidAnnotationError, listRevisions, restoreRevision, saveAnnotations } from "./annotations";
import { createSampleTestEnv, type SampleTestEnv } from "../testing/test-env";

let env: SampleTestEnv;
let imageId: string;
beforeEach(async () => {
  env = await createSampleTestEnv({ count: 2, seed: 4 });
  imageId = (await env.db.image.findFirstOrThrow({ where: { fileName: "JPEGImages/sample_0000.jpg" } })).id;
});
afterEach(() => env.cleanup());

const box = (xmin: number, className = "with_mask"): BoxInput => ({
  className,
  xmin,
  ymin: 10,
  xmax: xmin + 20,
  ymax: 40,
  difficult: false,
  truncated: false,
  occluded: false,
  source: "human",
});

describe("saving annotations", () => {
  it("bumps the version, replaces the boxes and appends a revision with before and after", async () => {
    const start = await getAnnotations(imageId, env.db);
    expect(start.version).toBe(1);
    const saved = await saveAnnotations(imageId, { expectedVersion: 1, boxes: [box(5), box(50, "without_mask")] }, { db: env.db });
    expect(saved).toEqual({ version: 2, labelStatus: "labeled" });
    const now = await getAnnotations(imageId, env.db);
    expect(now.set.boxes.map((b) => [b.className, b.xmin])).toEqual([
      ["with_mask", 5],
      ["without_mask", 50],
    ]);
    expect((await env.db.image.findUniqueOrThrow({ where: { id: imageId } })).boxCount).toBe(2);
    const revisions = await listRevisions(imageId, env.db);
    expect(revisions.map((r) => [r.version, r.action])).toEqual([
      [2, "edit"],
      [1, "import"],
    ]);
    const stored = await env.db.labelRevision.findUniqueOrThrow({ where: { imageId_version: { imageId, version: 2 } } });
    expect(parseStored(revisionBeforeColumn, stored.before, stored.id)?.boxes).toHaveLength(start.set.boxes.length);
  });

  it("keeps the ids of kept boxes, so what is attached to them survives a save", async () => {
    await saveAnnotations(imageId, { expectedVersion: 1, boxes: [{ ...box(5), id: "keep-me" }, { ...box(50), id: "drop-me" }] }, { db: env.db });
    const comment = await env.db.reviewComment.create({ data: { imageId, boxId: "keep-me", body: "too wide" } });
    await saveAnnotations(imageId, { expectedVersion: 2, boxes: [{ ...box(6), id: "keep-me" }, box(90)] }, { db: env.db });
    const now = await getAnnotations(imageId, env.db);
    expect(now.set.boxes.map((b) => [b.id === "keep-me", b.xmin])).toEqual([
      [true, 6],
      [false, 90],
    ]);
    expect(await env.db.box.findUnique({ where: { id: "drop-me" } })).toBeNull();
    expect((await env.db.reviewComment.findUniqueOrThrow({ where: { id: comment.id } })).boxId).toBe("keep-me");
  });

  it("refuses a stale version with the current labels, so nobody overwrites anybody", async () => {
    await saveAnnotations(imageId, { expectedVersion: 1, boxes: [box(5)] }, { db: env.db });
    const stale = await saveAnnotations(imageId, { expectedVersion: 1, boxes: [box(99)] }, { db: env.db }).catch((e: unknown) => e);
    expect(stale).toBeInstanceOf(AnnotationConflictError);
    expect((stale as AnnotationConflictError).current.version).toBe(2);
    expect((stale as AnnotationConflictError).current.set.boxes.map((b) => b.xmin)).toEqual([5]);
    expect((await getAnnotations(imageId, env.db)).set.boxes.map((b) => b.xmin)).toEqual([5]);
  });

  it("lets exactly one of two simultaneous saves win", async () => {
    const results = await Promise.allSettled([
      saveAnnotations(imageId, { expectedVersion: 1, boxes: [box(1)] }, { db: env.db }),
      saveAnnotations(imageId, { expectedVersion: 1, boxes: [box(2)] }, { db: env.db }),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const loser = results.find((r) => r.status === "rejected") as PromiseRejectedResult;
    expect(loser.reason).toBeInstanceOf(AnnotationConflictError);
    expect(await env.db.labelRevision.count({ where: { imageId } })).toBe(2);
  });

  it("rejects unknown classes and boxes outside the image, changing nothing", async () => {
    await expect(saveAnnotations(imageId, { expectedVersion: 1, boxes: [box(5, "helmet")] }, { db: env.db })).rejects.toThrow(InvalidAnnotationError);
    await expect(saveAnnotations(imageId, { expectedVersion: 1, boxes: [box(5000)] }, { db: env.db })).rejects.toThrow(/outside/);
    expect((await getAnnotations(imageId, env.db)).version).toBe(1);
  });

  it("restores an old revision as a new revision, keeping each box's source", async () => {
    const imported = await getAnnotations(imageId, env.db);
    await saveAnnotations(imageId, { expectedVersion: 1, boxes: [] }, { db: env.db });
    const restored = await restoreRevision(imageId, 1, 2, { db: env.db });
    expect(restored.version).toBe(3);
    const now = await getAnnotations(imageId, env.db);
    const rows = (boxes: typeof now.set.boxes, source?: string) => boxes.map((b) => [b.className, b.xmin, b.xmax, source ?? b.source].join()).sort();
    expect(rows(now.set.boxes)).toEqual(rows(imported.set.boxes, "import"));
    expect((await listRevisions(imageId, env.db)).map((r) => r.action)).toEqual(["restore", "edit", "import"]);
  });
});
