import { z } from "zod";

/** Dataset names appear in URLs, file names and the CLI: letters, digits, space . _ - only. */
export const datasetNameSchema = z
  .string()
  .trim()
  .regex(/^[\p{L}\p{N}][\p{L}\p{N} ._-]{0,99}$/u, "a dataset name is 1–100 letters, digits, spaces, dots, dashes or underscores, starting with a letter or digit");

/**
 * Reads a class mapping written one per line or comma-separated as "found=catalogue"
 * (e.g. "mask=with_mask, no mask=without_mask"). Returns the problems instead of guessing.
 */
export function parseClassMap(text: string): { ok: true; map: Record<string, string> } | { ok: false; error: string } {
  const map: Record<string, string> = {};
  for (const part of text.split(/[\n,]/)) {
    const trimmed = part.trim();
    if (!trimmed) continue;
    const eq = trimmed.indexOf("=");
    const from = trimmed.slice(0, eq).trim();
    const to = trimmed.slice(eq + 1).trim();
    if (eq < 0 || !from || !to) return { ok: false, error: `"${trimmed}" is not of the form found=class` };
    if (from.length > 100 || to.length > 100) return { ok: false, error: "class names are at most 100 characters" };
    map[from] = to;
  }
  return { ok: true, map };
}
