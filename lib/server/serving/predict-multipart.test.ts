import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as predictRoute from "@/app/api/v1/predict/route";
import { FACEMASK_CLASSES } from "@/lib/domain/classes";
import { generateScene, sceneToSvg } from "@/lib/domain/synthetic-scene";
import { createSession, csrfTokenFor, SESSION_COOKIE } from "../auth/sessions";
import { createUser } from "../auth/users";
import { promoteModelVersion } from "../models/model-registry";
import { registerServedModel } from "../testing/served-model";
import { createTestEnv, type TestEnv } from "../testing/test-env";

/**
 * Multipart uploads the way browsers send them, through the real prediction route: Chrome and
 * Safari name their boundary `----WebKitFormBoundary` + mixed-case letters, and a boundary is
 * case-sensitive, so the route must pass it to the parser exactly as sent.
 */
let env: TestEnv;
let token: string;
let photo: Buffer;
let modelId: string;
let size: { width: number; height: number };

beforeAll(async () => {
  env = await createTestEnv();
  const dataset = await env.db.dataset.create({ data: { name: "d", classes: [...FACEMASK_CLASSES] } });
  modelId = (await registerServedModel(dataset.id, env)).id;
  await promoteModelVersion(modelId, { db: env.db });
  const user = await createUser({ email: "browser@example.com", name: "Browser", role: "annotator", password: "a long enough password" }, env.db);
  token = (await createSession(user.id, env.db)).token;
  photo = await sharp(Buffer.from(sceneToSvg(generateScene(3, 0)))).jpeg().toBuffer();
  const { width, height } = await sharp(photo).metadata();
  size = { width: width!, height: height! };
});
afterAll(async () => env?.cleanup());

type Handler = (request: Request, context: { params: Promise<Record<string, string>> }) => Promise<Response>;
const session = () => ({ Cookie: `${SESSION_COOKIE}=${token}`, Origin: "http://localhost", "X-CSRF-Token": csrfTokenFor(token) });
const predict = (request: Request) => (predictRoute.POST as unknown as Handler)(request, { params: Promise.resolve({}) });

async function expectPrediction(response: Response) {
  const body = await response.json();
  expect({ status: response.status, error: body.error }).toEqual({ status: 200, error: undefined });
  expect(body).toMatchObject({ model: { id: modelId }, image: size, detections: expect.any(Array) });
}

function webkitBody(boundary: string): Buffer {
  return Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="image"; filename="door.jpg"\r\nContent-Type: image/jpeg\r\n\r\n`),
    photo,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
}

describe("POST /api/v1/predict with multipart/form-data", () => {
  it("reads a body made by FormData and new Request, as fetch() sends it", async () => {
    const form = new FormData();
    form.set("image", new Blob([new Uint8Array(photo)], { type: "image/jpeg" }), "door.jpg");
    const request = new Request("http://localhost/api/v1/predict", { method: "POST", headers: session(), body: form });
    expect(request.headers.get("content-type")).toMatch(/^multipart\/form-data; boundary=/);
    await expectPrediction(await predict(request));
  });

  it("reads a browser's mixed-case boundary (----WebKitFormBoundaryAbCdEf) and a mixed-case media type", async () => {
    for (const type of ["multipart/form-data; boundary=----WebKitFormBoundaryAbCdEf", "Multipart/Form-Data; boundary=----WebKitFormBoundaryAbCdEf"]) {
      const body = new Uint8Array(webkitBody("----WebKitFormBoundaryAbCdEf"));
      await expectPrediction(await predict(new Request("http://localhost/api/v1/predict", { method: "POST", headers: { ...session(), "Content-Type": type }, body })));
    }
  });

  it("still refuses a body whose boundary does not match its header (400, not 500)", async () => {
    const body = new Uint8Array(webkitBody("----WebKitFormBoundaryAbCdEf"));
    const response = await predict(new Request("http://localhost/api/v1/predict", { method: "POST", headers: { ...session(), "Content-Type": "multipart/form-data; boundary=----webkitformboundaryabcdef" }, body }));
    expect(response.status).toBe(400);
  });
});
