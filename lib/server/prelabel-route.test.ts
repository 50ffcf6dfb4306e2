import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PUT as saveLabelsRoute } from "@/app/api/images/[id]/annotations/route";
import { createSession, csrfTokenFor, SESSION_COOKIE } from "./auth/sessions";
import { createUser } from "./auth/users";
import { getAnnotations, listRevisions } from "./annotations";
import { createSampleTestEnv, type SampleTestEnv } from "./testing/test-env";

/** Saving a model's boxes as pre-labels through the labels route: validated, kept unlabeled, recorded as "prelabel". */
let env: SampleTestEnv;
let token: string;
let imageId: string;

beforeAll(async () => {
  env = await createSampleTestEnv({ count: 2, seed: 4 });
  const annotator = await createUser({ email: "ann@example.com", name: "Ann", role: "annotator", password: "a long enough password" }, env.db);
  token = (await createSession(annotator.id, env.db)).token;
  imageId = (await env.db.image.findFirstOrThrow()).id;
});
afterAll(async () => env.cleanup());

const put = (body: unknown) =>
  saveLabelsRoute(
    new Request(`http://localhost/api/images/${imageId}/annotations`, { method: "PUT", headers: { Cookie: `${SESSION_COOKIE}=${token}`, "Content-Type": "application/json", Origin: "http://localhost", "X-CSRF-Token": csrfTokenFor(token) }, body: JSON.stringify(body) }),
    { params: Promise.resolve({ id: imageId }) },
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
});
