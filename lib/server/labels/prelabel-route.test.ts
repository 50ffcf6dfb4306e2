import { rm } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PUT as saveLabelsRoute } from "@/app/api/images/[id]/annotations/route";
import { createSession, csrfTokenFor, SESSION_COOKIE } from "../auth/sessions";
import { createUser } from "../auth/users";
import { getAnnotations, listRevisions } from "./annotations";
import { createSampleTestEnv, type SampleTestEnv } from "../testing/test-env";

/** Saving a model's boxes as pre-labels through the labels route: validated, kept unlabeled, recorded as "prelabel", never over labels. */
let env: SampleTestEnv;
let token: string;
let imageId: string;
let labeledId: string;

beforeAll(async () => {
  // sample_0000 is imported without its XML: an unlabeled image, what pre-labelling is for
  env = await createSampleTestEnv({ count: 2, seed: 4 }, (folder) => rm(path.join(folder, "Annotations", "sample_0000.xml")));
  const annotator = await createUser({ email: "ann@example.com", name: "Ann", role: "annotator", password: "a long enough password" }, env.db);
  token = (await createSession(annotator.id, env.db)).token;
  imageId = (await env.db.image.findFirstOrThrow({ where: { fileName: "JPEGImages/sample_0000.jpg" } })).id;
  labeledId = (await env.db.image.findFirstOrThrow({ where: { fileName: "JPEGImages/sample_0001.jpg" } })).id;
});
afterAll(async () => env.cleanup());

const put = (body: unknown, id = imageId) =>
  saveLabelsRoute(
    new Request(`http://localhost/api/images/${id}/annotations`, { method: "PUT", headers: { Cookie: `${SESSION_COOKIE}=${token}`, "Content-Type": "application/json", Origin: "http://localhost", "X-CSRF-Token": csrfTokenFor(token) }, body: JSON.stringify(body) }),
    { params: Promise.resolve({ id }) },
  );
const box = (source: string) => ({ className: "with_mask", xmin: 10, ymin: 10, xmax: 40, ymax: 40, source });

describe("PUT /api/images/:id/annotations with prelabel", () => {
  it("refuses a human box or a status other than unlabeled among pre-labels", async () => {
    const { version } = await getAnnotations(imageId, env.db);
    expect((await put({ expectedVersion: version, prelabel: true, boxes: [box("human")] })).status).toBe(400);
    expect((await put({ expectedVersion: version, prelabel: true, boxes: [box("model")], labelStatus: "labeled" })).status).toBe(400);
    expect((await getAnnotations(imageId, env.db)).version).toBe(version); // nothing saved
  });

  it("saves the model's boxes, keeps the image unlabeled, and records the revision as a pre-label", async () => {
    const { version } = await getAnnotations(imageId, env.db);
    const response = await put({ expectedVersion: version, prelabel: true, boxes: [box("model"), { ...box("model"), xmin: 50, xmax: 80 }] });
    expect(response.status).toBe(200);
    const now = await getAnnotations(imageId, env.db);
    expect(now.set.labelStatus).toBe("unlabeled");
    expect(now.set.boxes.map((b) => b.source)).toEqual(["model", "model"]);
    expect((await listRevisions(imageId, env.db))[0]).toMatchObject({ version: version + 1, action: "prelabel" });
  });

  it("refuses pre-labels over an image someone labelled (409), leaving its boxes and status alone", async () => {
    const before = await getAnnotations(labeledId, env.db);
    expect(before.set.labelStatus).toBe("labeled");
    const response = await put({ expectedVersion: before.version, prelabel: true, boxes: [box("model")] }, labeledId);
    expect(response.status).toBe(409);
    expect((await response.json()).error).toBe("the image is already labeled: pre-labels only fill unlabeled images");
    expect(await getAnnotations(labeledId, env.db)).toEqual(before);
  });
});
