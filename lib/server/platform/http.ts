import type { z } from "zod";
import { firstIssue } from "@/lib/domain/validation-message";
import { DomainError } from "./errors";

/** A refusal of the request itself (its body, query, size, rate), with the status chosen where it is thrown. */
export class HttpError extends DomainError {
  constructor(
    readonly status: number,
    message: string,
    details: Record<string, unknown> = {},
    headers: Record<string, string> = {},
  ) {
    super(message, { details, headers });
  }
}

export const DEFAULT_JSON_LIMIT = 64 * 1024;

/** The declared Content-Length, or null when absent or not a number (an upload's early size check only). */
export function contentLengthOf(request: Request): number | null {
  const value = request.headers.get("content-length");
  const length = Number(value);
  return value !== null && Number.isFinite(length) ? length : null;
}

/** The whole body as bytes, at most maxBytes (counted as it streams, whatever Content-Length says); 413 otherwise. */
export async function readBody(request: Request, maxBytes: number): Promise<Uint8Array<ArrayBuffer>> {
  const tooLarge = () => new HttpError(413, `the request is too large (limit ${maxBytes} bytes)`);
  if (Number(request.headers.get("content-length") ?? 0) > maxBytes) throw tooLarge();
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (request.body) {
    const reader = request.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > maxBytes) {
        await reader.cancel();
        throw tooLarge();
      }
      chunks.push(value);
    }
  }
  const body = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return body;
}

/**
 * Reads a JSON body of at most maxBytes (counted as it streams, whatever Content-Length says)
 * and validates it; 413 / 400 otherwise. `invalid` replaces the 400's message where one sentence
 * tells the caller more than the first issue would.
 */
export async function readJson<T>(request: Request, schema: z.ZodType<T>, maxBytes = DEFAULT_JSON_LIMIT, options: { invalid?: string } = {}): Promise<T> {
  const text = new TextDecoder().decode(await readBody(request, maxBytes));
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new HttpError(400, options.invalid ?? "the request body is not valid JSON");
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw new HttpError(400, options.invalid ?? firstIssue(parsed.error));
  return parsed.data;
}

export function parseOrThrow<T>(schema: z.ZodType<T>, value: unknown, label?: string): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new HttpError(400, firstIssue(parsed.error, label));
  return parsed.data;
}

export function jsonError(status: number, error: string, details: Readonly<Record<string, unknown>> = {}, headers: Readonly<Record<string, string>> = {}): Response {
  return Response.json({ error, ...details }, { status, headers: { "Cache-Control": "no-store", ...headers } });
}
