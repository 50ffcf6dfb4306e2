import { describe, expect, it } from "vitest";
import { z } from "zod";
import { PUBLIC_API } from "./http/public-api";
import { predictionResultSchema } from "./http/serving";
import { API_KEY_SCHEME, jsonSchemaOf, openApiDocument, type JsonSchema, type OpenApiDocument } from "./openapi";

const document = openApiDocument(PUBLIC_API);

/** A schema as the document gives it, its $ref to a component followed. */
function resolved(doc: OpenApiDocument, schema: JsonSchema | undefined): JsonSchema | undefined {
  if (typeof schema?.$ref !== "string") return schema;
  return doc.components.schemas[schema.$ref.replace("#/components/schemas/", "")];
}

describe("the OpenAPI document of the public API", () => {
  it("is OpenAPI 3.1 and survives JSON (what GET /api/v1/openapi.json sends)", () => {
    expect(document.openapi).toBe("3.1.0");
    expect(JSON.parse(JSON.stringify(document))).toEqual(document);
  });

  it("describes every public operation at its path, and its older paths as deprecated", () => {
    for (const op of PUBLIC_API.operations) {
      expect(document.paths[op.path]?.[op.method]).toMatchObject({ operationId: op.operationId, summary: op.summary });
      for (const old of op.deprecatedPaths ?? []) expect(document.paths[old]?.[op.method]).toMatchObject({ deprecated: true });
    }
    expect(Object.keys(document.paths)).toEqual(expect.arrayContaining(["/api/v1/predict", "/api/predict", "/api/datasets/{id}/export"]));
  });

  it("holds every schema an operation uses: its parameters, request bodies and answers", () => {
    for (const op of PUBLIC_API.operations) {
      const published = document.paths[op.path]![op.method]!;
      for (const [where, shape] of [["path", op.pathParameters], ["query", op.query]] as const) {
        for (const [name, field] of Object.entries(shape?.shape ?? {})) {
          const { description: _, ...schema } = jsonSchemaOf(field as z.ZodType, "input");
          expect(published.parameters.find((p) => p.name === name && p.in === where)?.schema, `${op.operationId}: ${where} parameter ${name}`).toEqual(schema);
        }
      }
      for (const [mediaType, schema] of Object.entries(op.requestBody?.content ?? {})) {
        expect(published.requestBody?.content[mediaType]?.schema, `${op.operationId}: request ${mediaType}`).toEqual(schema ? jsonSchemaOf(schema, "input") : undefined);
      }
      for (const [status, response] of Object.entries(op.responses)) {
        for (const [mediaType, schema] of Object.entries(response.content ?? {})) {
          const answer = resolved(document, published.responses[status]?.content?.[mediaType]?.schema);
          expect(answer, `${op.operationId}: ${status} ${mediaType}`).toEqual(schema ? jsonSchemaOf(schema, "output") : undefined);
        }
      }
    }
  });

  it("requires an API key with the operation's scope, sent as a bearer token", () => {
    expect(document.components.securitySchemes[API_KEY_SCHEME]).toMatchObject({ type: "http", scheme: "bearer" });
    for (const op of PUBLIC_API.operations) expect(document.paths[op.path]![op.method]!.security).toEqual([{ [API_KEY_SCHEME]: [op.scope] }]);
  });

  it("publishes the prediction's answer so that a client's validator reads it back exactly", () => {
    const published = z.fromJSONSchema(document.components.schemas.PredictionResult!);
    const answer = {
      predictionId: "p1",
      model: { id: "m1", name: "facemask-mld1s-n", version: 3 },
      image: { width: 640, height: 480 },
      detections: [{ className: "with_mask", score: 0.91, box: { xmin: 10, ymin: 20, xmax: 110, ymax: 140 } }],
      summary: { countsPerClass: { with_mask: 1, without_mask: 0 }, maxScore: 0.91, meanScore: 0.91 },
      imageStatistics: { brightness: 0.5, contrast: 0.2, sharpness: 0.01 },
      timing: { inferenceMs: 12.5, totalMs: 30.1 },
    };
    expect(predictionResultSchema.parse(answer)).toEqual(answer);
    expect(published.parse(answer)).toEqual(answer);
    expect(published.safeParse({ ...answer, detections: undefined }).success).toBe(false);
    expect(published.safeParse({ ...answer, undocumented: true }).success).toBe(false);
    expect(published.safeParse({ ...answer, image: { width: "640", height: 480 } }).success).toBe(false);
  });
});
