import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import * as openApiRoute from "@/app/api/v1/openapi.json/route";
import * as predictRoute from "@/app/api/v1/predict/route";
import type { OpenApiDocument } from "@/lib/contracts/openapi";
import { FACEMASK_CLASSES } from "@/lib/domain/classes";
import { generateScene, sceneToSvg } from "@/lib/domain/synthetic-scene";
import { createApiKey } from "../auth/api-keys";
import { createSession, csrfTokenFor, SESSION_COOKIE } from "../auth/sessions";
import { createUser } from "../auth/users";
import { promoteModelVersion } from "../models/model-registry";
import { registerServedModel } from "../testing/served-model";
import { createTestEnv, type TestEnv } from "../testing/test-env";

/**
 * Multipart uploads the way browsers send them, through the real prediction route: Chrome and
 * Safari name their boundary `----WebKitFormBoundary` + mixed-case letters, and a boundary is
 * case-sensitive, so the route must pass it to the parser exactly as sent. And the answer an API
 * key holder gets is the one the published OpenAPI document describes.
 */
let env: TestEnv;
let token: string;
let photo: Buffer;
let modelId: string;
let size: { width: number; height: number };
let apiKey: string;

beforeAll(async () => {
  env = await createTestEnv();
  const dataset = await env.db.dataset.create({ data: { name: "d", classes: [...FACEMASK_CLASSES] } });
  modelId = (await registerServedModel(dataset.id, env)).id;
  await promoteModelVersion(modelId, { db: env.db });
  const user = await createUser({ email: "browser@example.com", name: "Browser", role: "annotator", password: "a long enough password" }, env.db);
  token = (await createSession(user.id, env.db)).token;
  apiKey = (await createApiKey({ name: "camera", scopes: ["predict"], createdById: user.id }, env.db)).key;
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

describe("POST /api/v1/predict as its OpenAPI document publishes it", () => {
  it("a key holder's real answer is what GET /api/v1/openapi.json says the 200 holds, and a refusal is its Error", async () => {
    const documentResponse = await (openApiRoute.GET as unknown as Handler)(new Request("http://localhost/api/v1/openapi.json"), { params: Promise.resolve({}) });
    expect({ status: documentResponse.status, cache: documentResponse.headers.get("cache-control") }).toEqual({ status: 200, cache: "no-store" });
    const document = (await documentResponse.json()) as OpenApiDocument;
    const published = (name: string) => z.fromJSONSchema(document.components.schemas[name]!);
    expect(document.paths["/api/v1/predict"]?.post?.responses["200"]?.content?.["application/json"]?.schema).toEqual({ $ref: "#/components/schemas/PredictionResult" });

    const bearer = { Authorization: `Bearer ${apiKey}`, "Content-Type": "image/jpeg" };
    const answer = await predict(new Request("http://localhost/api/v1/predict?source=door-1&keep=1", { method: "POST", headers: bearer, body: new Uint8Array(photo) }));
    expect(answer.status).toBe(200);
    const body: unknown = await answer.json();
    expect(published("PredictionResult").parse(body)).toEqual(body);

    const refused = await predict(new Request("http://localhost/api/v1/predict", { method: "POST", headers: { ...bearer, "Content-Type": "text/plain" }, body: "not an image" }));
    expect(refused.status).toBe(415);
    expect(published("Error").safeParse(await refused.json()).success).toBe(true);
  });
});
