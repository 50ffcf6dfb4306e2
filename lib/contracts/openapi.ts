import { z } from "zod";

/**
 * An OpenAPI 3.1 document built from the same zod schemas the server validates with and the
 * client parses with, so the published description cannot drift from the code. OpenAPI 3.1
 * schema objects are JSON Schema 2020-12, which is what zod writes.
 */

export type JsonSchema = { [key: string]: unknown };

/** A body whose content is not JSON to describe (an image, a zip) has no schema. */
export type Content = Readonly<Record<string, z.ZodType | null>>;

export interface PublicResponse {
  description: string;
  content?: Content;
  /** header name → what it says */
  headers?: Readonly<Record<string, string>>;
}

export interface PublicOperation {
  operationId: string;
  method: "get" | "post";
  /** OpenAPI's path template: "/api/datasets/{id}/export" */
  path: string;
  summary: string;
  description: string;
  /** what an API key's scopes must include to call it */
  scope: string;
  pathParameters?: z.ZodObject;
  query?: z.ZodObject;
  requestBody?: { description: string; content: Content };
  responses: Readonly<Record<number, PublicResponse>>;
  /** older paths of the same operation, still answered */
  deprecatedPaths?: readonly string[];
  /** a shell command a reader can paste */
  example: string;
}

export interface PublicApi {
  title: string;
  version: string;
  description: string;
  /** how a caller authenticates: the bearer scheme's description */
  authentication: string;
  /** answers published by name under components.schemas, as the server sends them (other schemas are written inline) */
  schemas: Readonly<Record<string, z.ZodType>>;
  operations: readonly PublicOperation[];
}

export interface OpenApiParameter {
  name: string;
  in: "path" | "query";
  required: boolean;
  description?: string;
  schema: JsonSchema;
}

export interface OpenApiMediaType {
  schema?: JsonSchema;
}

export interface OpenApiOperation {
  operationId: string;
  summary: string;
  description: string;
  deprecated?: true;
  security: Array<Record<string, string[]>>;
  parameters: OpenApiParameter[];
  requestBody?: { description: string; required: true; content: Record<string, OpenApiMediaType> };
  responses: Record<string, { description: string; content?: Record<string, OpenApiMediaType>; headers?: Record<string, { description: string; schema: JsonSchema }> }>;
  "x-codeSamples": Array<{ lang: string; source: string }>;
}

export interface OpenApiDocument {
  openapi: "3.1.0";
  info: { title: string; version: string; description: string };
  paths: Record<string, Partial<Record<PublicOperation["method"], OpenApiOperation>>>;
  components: {
    schemas: Record<string, JsonSchema>;
    securitySchemes: Record<string, { type: "http"; scheme: "bearer"; description: string }>;
  };
}

/** The name of the security scheme every operation requires. */
export const API_KEY_SCHEME = "apiKey";

/** A zod schema as JSON Schema: what a request may carry ("input") or what an answer holds ("output"). */
export function jsonSchemaOf(schema: z.ZodType, io: "input" | "output"): JsonSchema {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io, override: dropSafeIntegerBounds });
  return rest;
}

/** zod bounds every integer by ±2^53−1 (JavaScript's safe integers): true of any integer sent as JSON, and noise to a reader. */
function dropSafeIntegerBounds({ jsonSchema }: { jsonSchema: JsonSchema }): void {
  if (jsonSchema.minimum === Number.MIN_SAFE_INTEGER) delete jsonSchema.minimum;
  if (jsonSchema.maximum === Number.MAX_SAFE_INTEGER) delete jsonSchema.maximum;
}

export function openApiDocument(api: PublicApi): OpenApiDocument {
  const names = new Map(Object.entries(api.schemas).map(([name, schema]) => [schema, name]));
  const schemaOf = (schema: z.ZodType, io: "input" | "output"): JsonSchema => {
    const name = names.get(schema);
    return name ? { $ref: `#/components/schemas/${name}` } : jsonSchemaOf(schema, io);
  };
  const contentOf = (content: Content, io: "input" | "output") =>
    Object.fromEntries(Object.entries(content).map(([mediaType, schema]) => [mediaType, schema ? { schema: schemaOf(schema, io) } : {}]));

  const operationOf = (op: PublicOperation, deprecated: boolean): OpenApiOperation => ({
    operationId: deprecated ? `${op.operationId}Deprecated` : op.operationId,
    summary: op.summary,
    description: op.description,
    ...(deprecated ? { deprecated: true as const } : {}),
    security: [{ [API_KEY_SCHEME]: [op.scope] }],
    parameters: [...parametersOf(op.pathParameters, "path"), ...parametersOf(op.query, "query")],
    ...(op.requestBody ? { requestBody: { description: op.requestBody.description, required: true as const, content: contentOf(op.requestBody.content, "input") } } : {}),
    responses: Object.fromEntries(
      Object.entries(op.responses).map(([status, response]) => [
        status,
        {
          description: response.description,
          ...(response.content ? { content: contentOf(response.content, "output") } : {}),
          ...(response.headers ? { headers: Object.fromEntries(Object.entries(response.headers).map(([header, description]) => [header, { description, schema: { type: "string" } }])) } : {}),
        },
      ]),
    ),
    "x-codeSamples": [{ lang: "shell", source: op.example }],
  });

  const paths: OpenApiDocument["paths"] = {};
  for (const op of api.operations) {
    paths[op.path] = { ...paths[op.path], [op.method]: operationOf(op, false) };
    for (const old of op.deprecatedPaths ?? []) paths[old] = { ...paths[old], [op.method]: operationOf(op, true) };
  }
  return {
    openapi: "3.1.0",
    info: { title: api.title, version: api.version, description: api.description },
    paths,
    components: {
      schemas: Object.fromEntries(Object.entries(api.schemas).map(([name, schema]) => [name, jsonSchemaOf(schema, "output")])),
      securitySchemes: { [API_KEY_SCHEME]: { type: "http", scheme: "bearer", description: api.authentication } },
    },
  };
}

/** Each key of a query or path object as one parameter; its description moves from the schema to the parameter. */
function parametersOf(shape: z.ZodObject | undefined, where: OpenApiParameter["in"]): OpenApiParameter[] {
  return Object.entries(shape?.shape ?? {}).map(([name, field]) => {
    const { description, ...schema } = jsonSchemaOf(field as z.ZodType, "input");
    return { name, in: where, required: where === "path" || !(field as z.ZodType).safeParse(undefined).success, ...(typeof description === "string" ? { description } : {}), schema };
  });
}
