const FALLBACK = "/datasets";
/** A placeholder origin to resolve against: `.invalid` never names a real host. */
const HERE = "http://masklab.invalid";
/** C0 controls, DEL and backslashes: browsers drop tabs and newlines and read `\` as `/`. */
const UNSAFE = /[\u0000-\u001f\u007f\\]/;

/**
 * Where to go after signing in: only a path on this site, normalised the way a browser would
 * read it. `/\t/evil.example` is `//evil.example` to a browser (it drops the tab), and a newline
 * cannot go into a Location header, so anything with control characters or backslashes is
 * refused before parsing; what remains must resolve to this origin. The answer is the URL's own
 * path, query and fragment (percent-encoded ASCII), never the raw input.
 */
export function safeNextPath(next: string | null | undefined): string {
  if (!next || !next.startsWith("/") || UNSAFE.test(next)) return FALLBACK;
  let url: URL;
  try {
    url = new URL(next, HERE);
  } catch {
    return FALLBACK;
  }
  if (url.origin !== HERE) return FALLBACK;
  // Refuse paths that turn into another origin if anything decodes them once more (`/%2F/evil`).
  let decoded: string;
  try {
    decoded = decodeURIComponent(url.pathname);
  } catch {
    return FALLBACK;
  }
  if (decoded.startsWith("//") || UNSAFE.test(decoded)) return FALLBACK;
  return url.pathname + url.search + url.hash;
}
