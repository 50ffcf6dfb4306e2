import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { PUT as saveLabelsRoute } from "@/app/api/images/[id]/annotations/route";
import { POST as restoreRoute } from "@/app/api/images/[id]/revisions/[version]/restore/route";
import type { Role } from "@/lib/domain/permissions";
import { getAnnotations, listRevisions } from "./annotations";
import { createSession, csrfTokenFor, SESSION_COOKIE } from "../auth/sessions";
import { createUser } from "../auth/users";
import { createSampleTestEnv, type SampleTestEnv } from "../testing/test-env";

/** The review rules as the labels and restore routes enforce them, against a real database. */
let env: SampleTestEnv;
let imageId: string;
const tokens = {} as Record<"annotator" | "reviewer", string>;

beforeEach(async () => {
  env = await createSampleTestEnv({ count: 2, seed: 4 });
  imageId = (await env.db.image.findFirstOrThrow({ where: { fileName: "JPEGImages/sample_0000.jpg" } })).id;
  for (const role of ["annotator", "reviewer"] as const satisfies Role[]) {
    const user = await createUser({ email: `${role}@example.com`, name: role, role, password: "a long enough password" }, env.db);
    tokens[role] = (await createSession(user.id, env.db)).token;
  }
});
afterEach(() => env.cleanup());

const headers = (token: string) => ({ Cookie: `${SESSION_COOKIE}=${token}`, "Content-Type": "application/json", Origin: "http://localhost", "X-CSRF-Token": csrfTokenFor(token) });
const put = (as: keyof typeof tokens, body: unknown) =>
  saveLabelsRoute(new Request(`http://localhost/api/images/${imageId}/annotations`, { method: "PUT", headers: headers(tokens[as]), body: JSON.stringify(body) }), { params: Promise.resolve({ id: imageId }) });
const restore = (as: keyof typeof tokens, version: number, expectedVersion: number) =>
  restoreRoute(new Request(`http://localhost/api/images/${imageId}/revisions/${version}/restore`, { method: "POST", headers: headers(tokens[as]), body: JSON.stringify({ expectedVersion }) }), {
    params: Promise.resolve({ id: imageId, version: String(version) }),
  });

/** The stored boxes as the editor sends them back, with `change` applied to the first. */
async function editorBoxes(change: Record<string, unknown> = {}) {
  const { version, set } = await getAnnotations(imageId, env.db);
  return { version, boxes: set.boxes.map((b, i) => (i === 0 ? { ...b, ...change } : b)) };
}

async function approve(): Promise<number> {
  const { version, boxes } = await editorBoxes();
  const response = await put("reviewer", { expectedVersion: version, boxes, labelStatus: "reviewed" });
  expect(await response.json()).toEqual({ version: version + 1, labelStatus: "reviewed" });
  return version + 1;
}

describe("an annotator's save on a reviewed image", () => {
  it("sends it back to labeled when the boxes change, and the revision records why", async () => {
    await approve();
    const { version, boxes } = await editorBoxes({ difficult: true });
    const response = await put("annotator", { expectedVersion: version, boxes });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ version: version + 1, labelStatus: "labeled" });
    expect((await getAnnotations(imageId, env.db)).set.labelStatus).toBe("labeled");
    const revision = await env.db.labelRevision.findUniqueOrThrow({ where: { imageId_version: { imageId, version: version + 1 } } });
    expect(revision).toMatchObject({ action: "edit", note: expect.stringMatching(/reviewed → labeled/) });
    expect(revision.before).toMatchObject({ labelStatus: "reviewed" });
    expect(revision.after).toMatchObject({ labelStatus: "labeled" });
  });

  it("keeps the approval when nothing the reviewer saw changed, and a reviewer's own edit keeps it too", async () => {
    await approve();
    const same = await editorBoxes();
    expect(await (await put("annotator", { expectedVersion: same.version, boxes: same.boxes })).json()).toMatchObject({ labelStatus: "reviewed" });
    const edited = await editorBoxes({ occluded: true });
    expect(await (await put("reviewer", { expectedVersion: edited.version, boxes: edited.boxes })).json()).toMatchObject({ labelStatus: "reviewed" });
  });
});

describe("restoring a revision", () => {
  it("follows the save's rules: an annotator cannot overturn needs fix by restoring a reviewed revision", async () => {
    const reviewedVersion = await approve();
    const { version, boxes } = await editorBoxes();
    expect((await put("reviewer", { expectedVersion: version, boxes, labelStatus: "needs_fix" })).status).toBe(200);
    // asking directly is refused…
    expect((await put("annotator", { expectedVersion: version + 1, boxes, labelStatus: "reviewed" })).status).toBe(403);
    // …and the restore brings back the boxes, not the approval
    const response = await restore("annotator", reviewedVersion, version + 1);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ version: version + 2, labelStatus: "needs_fix" });
    expect((await getAnnotations(imageId, env.db)).set.labelStatus).toBe("needs_fix");
    expect((await listRevisions(imageId, env.db))[0]).toMatchObject({ action: "restore", note: expect.stringMatching(/^restored revision \d+ · its status reviewed is not restored/) });
  });

  it("sends a reviewed image back to labeled when an annotator restores other boxes; a reviewer's restore keeps the revision's status", async () => {
    const first = await editorBoxes({ xmin: 1 });
    await put("annotator", { expectedVersion: first.version, boxes: first.boxes });
    const reviewedVersion = await approve();
    expect(await (await restore("annotator", 1, reviewedVersion)).json()).toEqual({ version: reviewedVersion + 1, labelStatus: "labeled" });
    expect(await (await restore("reviewer", reviewedVersion, reviewedVersion + 1)).json()).toEqual({ version: reviewedVersion + 2, labelStatus: "reviewed" });
  });
});

describe("box size", () => {
  it("refuses a box below the editor's minimum with a 400 naming the box and the minimum, saving nothing", async () => {
    const { version, boxes } = await editorBoxes();
    const speck = { className: "with_mask", xmin: 10, ymin: 10, xmax: 10 + 1e-9, ymax: 30 };
    const response = await put("annotator", { expectedVersion: version, boxes: [...boxes, speck] });
    expect(response.status).toBe(400);
    expect((await response.json()).error).toBe(`box ${boxes.length + 1} (with_mask) is 1e-9x20 px: a box must be at least 2x2 px (the editor's minimum); draw it larger or delete it`);
    expect((await getAnnotations(imageId, env.db)).version).toBe(version);
  });

  it("keeps a stored box smaller than the minimum (an import's) through saves that move it, and restores it", async () => {
    const [tiny] = await env.db.image.findUniqueOrThrow({ where: { id: imageId } }).boxes();
    await env.db.box.update({ where: { id: tiny!.id }, data: { xmin: 5, ymin: 5, xmax: 6, ymax: 6 } });
    const moved = await editorBoxes();
    const boxes = moved.boxes.map((b) => (b.id === tiny!.id ? { ...b, xmin: 7.3, xmax: 8.3 } : b));
    expect((await put("annotator", { expectedVersion: moved.version, boxes })).status).toBe(200);
    const resized = boxes.map((b) => (b.id === tiny!.id ? { ...b, xmax: 8.8 } : b));
    expect((await put("annotator", { expectedVersion: moved.version + 1, boxes: resized })).status).toBe(400);
    const cleared = await put("annotator", { expectedVersion: moved.version + 1, boxes: [] });
    expect(cleared.status).toBe(200);
    expect((await restore("annotator", moved.version + 1, moved.version + 2)).status).toBe(200);
    expect((await getAnnotations(imageId, env.db)).set.boxes.find((b) => b.id === tiny!.id)).toMatchObject({ xmin: 7.3, xmax: 8.3 });
  });
});
