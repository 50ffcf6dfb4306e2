/**
 * Bytes from the outside world (annotation files, file names from a directory listing) turned
 * into text without guessing silently: the decoding is Node's/the browser's TextDecoder in fatal
 * mode, and a byte it cannot decode is reported with its offset and line, never replaced.
 */

/** On failure, `message` says what and how to fix it; `line` (1-based) and `offset` say where. */
export type XmlDecodeResult =
  | { ok: true; text: string; encoding: string }
  | { ok: false; message: string; offset?: number; line?: number };

const BOMS: Array<[bytes: number[], encoding: string | null]> = [
  // UTF-32 first: its little-endian BOM begins with UTF-16LE's.
  [[0xff, 0xfe, 0x00, 0x00], null],
  [[0x00, 0x00, 0xfe, 0xff], null],
  [[0xef, 0xbb, 0xbf], "utf-8"],
  [[0xfe, 0xff], "utf-16be"],
  [[0xff, 0xfe], "utf-16le"],
];

/** Only the first bytes can hold the declaration; a longer prefix is never read for it. */
const DECLARATION_WINDOW = 512;
const DECLARATION = /^\s*<\?xml\s[^>]*?\bencoding\s*=\s*["']([A-Za-z0-9._:-]+)["']/;

/**
 * Decodes an XML document as XML 1.0 (appendix F) says: a byte order mark wins; else a UTF-16
 * document shows itself by NUL bytes around its first ASCII character; else the declaration's
 * `encoding` is used, defaulting to UTF-8.
 */
export function decodeXmlBytes(bytes: Uint8Array): XmlDecodeResult {
  const bom = BOMS.find(([mark]) => mark.every((b, i) => bytes[i] === b));
  if (bom && bom[1] === null) return { ok: false, message: "the file is UTF-32, which is not supported; save it as UTF-8" };
  let encoding = bom?.[1] ?? sniffUtf16(bytes);
  if (!encoding) {
    const declared = DECLARATION.exec(latin1(bytes.subarray(0, DECLARATION_WINDOW)))?.[1];
    encoding = declared ? resolveLabel(declared) : "utf-8";
    if (encoding === null) {
      return { ok: false, message: `the XML declaration names encoding "${declared}", which is not supported; save the file as UTF-8`, line: 1 };
    }
    // A declaration readable as ASCII cannot be UTF-16, whatever it says: read the bytes as UTF-8.
    if (encoding.startsWith("utf-16")) encoding = "utf-8";
  }
  try {
    return { ok: true, text: new TextDecoder(encoding, { fatal: true }).decode(bytes), encoding };
  } catch {
    return undecodable(bytes, encoding);
  }
}

/** A file name as a directory listing gives it: UTF-8 when it is, else its bytes read as Latin-1. */
export function decodeFileName(bytes: Uint8Array): { name: string; utf8: boolean } {
  try {
    return { name: new TextDecoder("utf-8", { fatal: true }).decode(bytes), utf8: true };
  } catch {
    // WHATWG's "latin1" is Windows-1252, which maps every byte: this never fails.
    return { name: new TextDecoder("latin1").decode(bytes), utf8: false };
  }
}

/** Every byte outside ASCII written as \xNN: unambiguous, for when a readable name would collide. */
export function escapeNonAscii(bytes: Uint8Array): string {
  return [...bytes].map((b) => (b < 0x80 ? String.fromCharCode(b) : `\\x${b.toString(16).padStart(2, "0")}`)).join("");
}

function sniffUtf16(bytes: Uint8Array): string | null {
  if (bytes.length < 2) return null;
  if (bytes[0] !== 0 && bytes[0]! < 0x80 && bytes[1] === 0) return "utf-16le";
  if (bytes[0] === 0 && bytes[1] !== 0 && bytes[1]! < 0x80) return "utf-16be";
  return null;
}

function resolveLabel(label: string): string | null {
  try {
    return new TextDecoder(label).encoding;
  } catch {
    return null;
  }
}

function latin1(bytes: Uint8Array): string {
  return String.fromCharCode(...bytes);
}

/**
 * Finds where decoding fails: the shortest prefix a streaming decoder rejects ends at the bad
 * byte (the search is binary, so a 2 MB file costs some twenty decodes); the longest prefix
 * before it that decodes completely is where the bad sequence starts.
 */
function undecodable(bytes: Uint8Array, encoding: string): XmlDecodeResult {
  const name = ENCODING_NAMES[encoding] ?? encoding;
  const fails = (end: number, stream: boolean) => {
    try {
      new TextDecoder(encoding, { fatal: true }).decode(bytes.subarray(0, end), { stream });
      return false;
    } catch {
      return true;
    }
  };
  const lineAt = (offset: number) => new TextDecoder(encoding).decode(bytes.subarray(0, offset)).split("\n").length;
  if (!fails(bytes.length, true)) {
    let start = bytes.length;
    while (start > 0 && fails(start, false)) start--;
    return { ok: false, message: `the file ends in the middle of a ${name} character (byte offset ${start})`, offset: start, line: lineAt(start) };
  }
  let low = 0;
  let high = bytes.length;
  while (high - low > 1) {
    const mid = (low + high) >> 1;
    if (fails(mid, true)) high = mid;
    else low = mid;
  }
  let start = high - 1;
  while (start > 0 && fails(start, false)) start--;
  const line = lineAt(start);
  const unit = encoding.startsWith("utf-16") ? 2 : 1;
  const hex = [...bytes.subarray(start, start + unit)].map((b) => `0x${b.toString(16).toUpperCase().padStart(2, "0")}`).join(" ");
  const hint = encoding === "utf-8" ? ` save the file as UTF-8, or declare its real encoding, e.g. <?xml version="1.0" encoding="ISO-8859-1"?>` : ` check the file's encoding`;
  return { ok: false, message: `${unit === 1 ? "byte" : "bytes"} ${hex} at byte offset ${start} ${unit === 1 ? "is" : "are"} not valid ${name};${hint}`, offset: start, line };
}

const ENCODING_NAMES: Record<string, string> = { "utf-8": "UTF-8", "utf-16le": "UTF-16LE", "utf-16be": "UTF-16BE", "windows-1252": "Latin-1" };
