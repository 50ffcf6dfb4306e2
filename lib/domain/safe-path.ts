/**
 * Turns a name from the outside world (zip entry, uploaded file's relative path) into a safe
 * relative path, or explains why it cannot be one. Safe means: inside the destination folder
 * whatever the platform — no absolute paths, drive letters, ".." segments, control characters.
 * Unicode and spaces are fine.
 */
export type SafePathResult = { ok: true; path: string } | { ok: false; reason: string };

const MAX_PATH_LENGTH = 1024;
const MAX_SEGMENT_LENGTH = 255;

export function safeRelativePath(name: string): SafePathResult {
  if (name.length === 0) return { ok: false, reason: "empty name" };
  if (name.length > MAX_PATH_LENGTH) return { ok: false, reason: `name longer than ${MAX_PATH_LENGTH} characters` };
  if (/[\u0000-\u001f\u007f]/.test(name)) return { ok: false, reason: "control characters in the name" };
  const unified = name.replace(/\\/g, "/");
  if (unified.startsWith("/") || /^[a-zA-Z]:/.test(unified)) return { ok: false, reason: "absolute path" };
  const segments = unified.split("/").filter((s) => s !== "" && s !== ".");
  if (segments.includes("..")) return { ok: false, reason: "path climbs out with '..'" };
  if (segments.length === 0) return { ok: false, reason: "empty name" };
  if (segments.some((s) => new TextEncoder().encode(s).length > MAX_SEGMENT_LENGTH)) return { ok: false, reason: "a path segment is too long" };
  return { ok: true, path: segments.join("/") };
}

/** Archive clutter that is never part of a dataset (macOS resource forks, Finder files). */
export function isArchiveClutter(relativePath: string): boolean {
  const segments = relativePath.split("/");
  return segments[0] === "__MACOSX" || segments.some((s) => s === ".DS_Store" || s.startsWith("._") || s === "Thumbs.db");
}
