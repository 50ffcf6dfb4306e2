import type { Metadata } from "next";
import { PUBLIC_API } from "@/lib/contracts/http/public-api";
import { openApiDocument, type JsonSchema, type OpenApiMediaType } from "@/lib/contracts/openapi";

export const metadata: Metadata = { title: "API reference · Masklab" };

/**
 * The readable face of /api/v1/openapi.json, rendered from the same document (so the page and
 * the JSON cannot disagree). Public, like the document: it holds nothing a key does not unlock.
 */
export default function ApiReferencePage() {
  const document = openApiDocument(PUBLIC_API);
  return (
    <div className="api-doc">
      <h1>API reference</h1>
      <p>
        <Prose text={document.info.description} />
      </p>
      <p className="muted">
        Machine-readable: <a href="/api/v1/openapi.json">/api/v1/openapi.json</a> (OpenAPI {document.openapi}, for Swagger UI, Postman or a client generator). Authentication:{" "}
        {document.components.securitySchemes.apiKey?.description}.
      </p>
      <ul className="plain">
        {PUBLIC_API.operations.map((op) => (
          <li key={op.operationId}>
            <a href={`#${op.operationId}`}>
              <code>
                {op.method.toUpperCase()} {op.path}
              </code>
            </a>{" "}
            {op.summary}
          </li>
        ))}
      </ul>

      {PUBLIC_API.operations.map((op) => {
        const operation = document.paths[op.path]?.[op.method];
        if (!operation) return null;
        return (
          <section key={op.operationId} id={op.operationId} className="card api-op">
            <h2>
              <code>
                {op.method.toUpperCase()} {op.path}
              </code>{" "}
              {op.summary}
            </h2>
            <p>
              <Prose text={operation.description} />
            </p>
            <p className="small muted">
              API key scope: <code>{op.scope}</code>
              {op.deprecatedPaths?.length ? (
                <>
                  {" "}
                  · also answered at {op.deprecatedPaths.map((p) => <code key={p}>{p}</code>)} (deprecated)
                </>
              ) : null}
            </p>

            {operation.parameters.length > 0 ? (
              <table className="table">
                <caption>Parameters</caption>
                <thead>
                  <tr>
                    <th>Name</th>
                    <th>In</th>
                    <th>Value</th>
                    <th>Meaning</th>
                  </tr>
                </thead>
                <tbody>
                  {operation.parameters.map((p) => (
                    <tr key={`${p.in}:${p.name}`}>
                      <th>
                        <code>{p.name}</code>
                        {p.required ? " *" : ""}
                      </th>
                      <td>{p.in}</td>
                      <td>{allowedValues(p.schema)}</td>
                      <td>{p.description ?? ""}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            ) : null}

            {operation.requestBody ? (
              <>
                <h3>Request body</h3>
                <p className="small">{operation.requestBody.description}</p>
                <BodyContent content={operation.requestBody.content} />
              </>
            ) : null}

            <table className="table">
              <caption>Responses</caption>
              <thead>
                <tr>
                  <th>Status</th>
                  <th>When</th>
                  <th>Body</th>
                </tr>
              </thead>
              <tbody>
                {Object.entries(operation.responses).map(([status, response]) => (
                  <tr key={status}>
                    <th>{status}</th>
                    <td>
                      {response.description}
                      {response.headers ? <span className="muted small"> (headers: {Object.keys(response.headers).join(", ")})</span> : null}
                    </td>
                    <td>{response.content ? <MediaTypes content={response.content} /> : null}</td>
                  </tr>
                ))}
              </tbody>
            </table>

            <h3>Example</h3>
            <pre className="code">{op.example}</pre>
          </section>
        );
      })}

      <h2>Schemas</h2>
      {Object.entries(document.components.schemas).map(([name, schema]) => (
        <section key={name} id={`schema-${name}`}>
          <h3>
            <code>{name}</code>
          </h3>
          {typeof schema.description === "string" ? <p className="small muted">{schema.description}</p> : null}
          {/* Folded: the JSON Schema is reference material, hundreds of lines for the prediction answer. */}
          <details>
            <summary className="small">JSON Schema</summary>
            <pre className="code">{JSON.stringify(schema, null, 2)}</pre>
          </details>
        </section>
      ))}
    </div>
  );
}

/** OpenAPI descriptions are CommonMark; the only markup ours use is `code`. */
function Prose({ text }: { text: string }) {
  return <>{text.split("`").map((part, i) => (i % 2 === 1 ? <code key={i}>{part}</code> : part))}</>;
}

function BodyContent({ content }: { content: Record<string, OpenApiMediaType> }) {
  return (
    <ul className="small">
      {Object.entries(content).map(([mediaType, body]) => (
        <li key={mediaType}>
          <code>{mediaType}</code>
          {body.schema ? <pre className="code">{JSON.stringify(body.schema, null, 2)}</pre> : null}
        </li>
      ))}
    </ul>
  );
}

function MediaTypes({ content }: { content: Record<string, OpenApiMediaType> }) {
  return (
    <>
      {Object.entries(content).map(([mediaType, body]) => (
        <span key={mediaType}>
          <code>{mediaType}</code> {body.schema ? <SchemaLink schema={body.schema} /> : null}
        </span>
      ))}
    </>
  );
}

function SchemaLink({ schema }: { schema: JsonSchema }) {
  const name = typeof schema.$ref === "string" ? schema.$ref.split("/").at(-1) : undefined;
  return name ? <a href={`#schema-${name}`}>{name}</a> : <span className="muted">(inline)</span>;
}

/** A parameter's allowed values in a few words: its choices, pattern, or type and bounds. */
function allowedValues(schema: JsonSchema): string {
  if (Array.isArray(schema.enum)) return schema.enum.join(" | ");
  if (typeof schema.pattern === "string") return `text matching ${schema.pattern}`;
  const bounds = [typeof schema.minimum === "number" ? `≥ ${schema.minimum}` : "", typeof schema.maximum === "number" ? `≤ ${schema.maximum}` : ""].filter(Boolean).join(", ");
  const lengths = typeof schema.maxLength === "number" ? `at most ${schema.maxLength} characters` : "";
  return [String(schema.type ?? "any"), bounds, lengths].filter(Boolean).join(", ");
}
