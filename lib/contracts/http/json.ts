import { z } from "zod";
import { firstIssue } from "@/lib/domain/validation-message";

/**
 * What every JSON answer of the API shares. Timestamps travel as ISO 8601 strings in UTC
 * (what Date.toJSON writes); every refusal is `{ error }`, a message a person can act on, with
 * extra fields only where a route documents them.
 */
export const timestampSchema = z.iso.datetime();

export const apiErrorSchema = z.object({ error: z.string() }).loose().meta({ description: "a refusal or failure, in words a person can act on" });
export type ApiError = z.infer<typeof apiErrorSchema>;

/** The server answered in a shape its contract does not allow: a bug on one side, named by its endpoint. */
export class AnswerMismatchError extends Error {
  constructor(
    readonly endpoint: string,
    problem: string,
  ) {
    super(`${endpoint} answered in an unexpected shape (${problem}): reload the page, and report it if it persists`);
    this.name = "AnswerMismatchError";
  }
}

/** An answer's JSON body read through its contract; `endpoint` ("GET /api/health") names the culprit when it does not match. */
export function parseAnswer<S extends z.ZodType>(endpoint: string, schema: S, body: unknown): z.output<S> {
  const parsed = schema.safeParse(body);
  if (!parsed.success) throw new AnswerMismatchError(endpoint, firstIssue(parsed.error, "answer"));
  return parsed.data;
}
