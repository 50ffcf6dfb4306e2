import type { z } from "zod";

/** The first zod issue as one readable line, e.g. "password: a password needs at least 10 characters". */
export function firstIssue(error: z.ZodError, label?: string): string {
  const issue = error.issues[0];
  if (!issue) return "invalid request";
  const where = [label, ...issue.path.map(String)].filter(Boolean).join(".");
  return where ? `${where}: ${issue.message}` : issue.message;
}
