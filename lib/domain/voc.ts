import { XMLBuilder, XMLParser, XMLValidator } from "fast-xml-parser";
import type { PixelBox } from "./box";
import { decodeXmlBytes } from "./text-encoding";

/**
 * Pascal VOC annotation files, parsed and written without I/O.
 * Coordinates here are exactly what the file says (VOC: 1-based, inclusive); convert with
 * vocToPixelBox / pixelBoxToVoc at this boundary only.
 */
export interface VocBox {
  xmin: number;
  ymin: number;
  xmax: number;
  ymax: number;
}

export interface VocObject {
  name: string;
  box: VocBox;
  difficult: boolean;
  truncated: boolean;
  occluded: boolean;
  pose?: string;
  /** Tags we do not model (attributes, parts, custom), kept for lossless export. */
  extra: Record<string, unknown>;
  /**
   * 1-based position among the file's <object> elements, set when parsed: findings name this,
   * so "object 7" is the seventh in the file even when an earlier one was unreadable.
   */
  position?: number;
}

export interface VocSize {
  width: number;
  height: number;
  depth?: number;
}

export interface VocAnnotation {
  folder?: string;
  filename?: string;
  path?: string;
  size?: VocSize;
  objects: VocObject[];
  /** Top-level tags we do not model (source, segmented, owner, custom), kept for export. */
  extra: Record<string, unknown>;
}

/**
 * A problem inside an otherwise readable file: an unreadable object (skipped) or an unusable
 * <size> (the image's own size is used instead).
 */
export interface VocProblem {
  code: "xml-object-invalid" | "size-invalid";
  objectIndex?: number;
  message: string;
}

export type VocParseResult =
  | { ok: true; annotation: VocAnnotation; problems: VocProblem[] }
  | { ok: false; error: VocParseError };

export class VocParseError extends Error {
  constructor(
    message: string,
    readonly line?: number,
    /** xml-encoding: the bytes are not text in the file's encoding; xml-malformed: not VOC XML */
    readonly code: "xml-malformed" | "xml-encoding" = "xml-malformed",
  ) {
    super(line === undefined ? message : `line ${line}: ${message}`);
    this.name = "VocParseError";
  }
}

const ANNOTATION_KEYS = new Set(["folder", "filename", "path", "size", "object"]);
const OBJECT_KEYS = new Set(["name", "pose", "truncated", "difficult", "occluded", "bndbox"]);

// DOCTYPEs are refused before parsing (they are how billion-laughs and XXE payloads arrive), so
// no entity can be declared: only XML's predefined and numeric references remain, and those are
// decoded so "&amp;" reads as "&" and is written back once, not escaped again on every export.
const parser = new XMLParser({
  processEntities: true,
  htmlEntities: true,
  ignoreAttributes: true,
  parseTagValue: false,
  trimValues: true,
  isArray: (_name, jpath) => jpath === "annotation.object",
});

/** Parses an annotation file's bytes, honouring its byte order mark or declared encoding. */
export function parseVocBytes(bytes: Uint8Array): VocParseResult {
  const decoded = decodeXmlBytes(bytes);
  if (!decoded.ok) return { ok: false, error: new VocParseError(decoded.message, decoded.line, "xml-encoding") };
  return parseVoc(decoded.text);
}

export function parseVoc(xml: string): VocParseResult {
  const untrimmed = xml.replace(/^\uFEFF/, "");
  const text = untrimmed.trimStart();
  // Lines are counted in the file as written, leading blank lines included.
  const skippedLines = untrimmed.slice(0, untrimmed.length - text.length).split("\n").length - 1;
  if (text.length === 0) return { ok: false, error: new VocParseError("the file is empty") };
  const doctype = /<!DOCTYPE/i.exec(text);
  if (doctype) {
    const line = text.slice(0, doctype.index).split("\n").length + skippedLines;
    return { ok: false, error: new VocParseError("DOCTYPE declarations are not allowed", line) };
  }
  const valid = XMLValidator.validate(text);
  if (valid !== true) {
    const { line, message } = explainXmlError(text, valid.err, skippedLines);
    return { ok: false, error: new VocParseError(message, line) };
  }
  const root = parser.parse(text) as Record<string, unknown>;
  const annotation = root.annotation;
  if (!isRecord(annotation)) {
    return { ok: false, error: new VocParseError("the root element must be <annotation>") };
  }

  const problems: VocProblem[] = [];
  const objects: VocObject[] = [];
  const rawObjects = Array.isArray(annotation.object) ? annotation.object : [];
  rawObjects.forEach((raw, objectIndex) => {
    const parsed = parseObject(raw);
    if (typeof parsed === "string") problems.push({ code: "xml-object-invalid", objectIndex, message: `object ${objectIndex + 1}: ${parsed}` });
    else objects.push({ ...parsed, position: objectIndex + 1 });
  });

  let size: VocSize | undefined;
  if (annotation.size !== undefined) {
    const parsedSize = parseSize(annotation.size);
    if (typeof parsedSize === "string") problems.push({ code: "size-invalid", message: parsedSize });
    else size = parsedSize;
  }

  return {
    ok: true,
    annotation: {
      folder: optionalText(annotation.folder),
      filename: optionalText(annotation.filename),
      path: optionalText(annotation.path),
      size,
      objects,
      extra: pickExtra(annotation, ANNOTATION_KEYS),
    },
    problems,
  };
}

/** The validator's verdict in words a user can act on, at the line where the problem shows. */
function explainXmlError(text: string, err: { msg: string; line: number }, skippedLines: number): { line: number; message: string } {
  const unclosed = unclosedTags(err.msg);
  if (unclosed) {
    // The validator points at where the open tags began; the user needs to look at the end.
    const inside = unclosed.length > 1 ? ` (it stops inside <${unclosed.at(-1)}>)` : "";
    return { line: text.trimEnd().split("\n").length + skippedLines, message: `the file ends before <${unclosed[0]}> is closed${inside}; it looks cut short` };
  }
  const line = err.line + skippedLines;
  for (const [pattern, explain] of XML_ERRORS) {
    const match = pattern.exec(err.msg);
    if (match) return { line, message: explain(match, skippedLines) };
  }
  return { line, message: `malformed XML: ${err.msg}` };
}

function unclosedTags(message: string): string[] | null {
  const one = /^Unclosed tag '([^']+)'/.exec(message);
  if (one) return [one[1]!];
  const many = /^Invalid '(\[[\s\S]*\])' found\.$/.exec(message);
  if (!many) return null;
  try {
    const tags: unknown = JSON.parse(many[1]!);
    return Array.isArray(tags) && tags.length > 0 ? tags.map(String) : null;
  } catch {
    return null;
  }
}

const XML_ERRORS: Array<[RegExp, (m: RegExpExecArray, skippedLines: number) => string]> = [
  [
    /^Expected closing tag '([^']+)' \(opened in line (\d+).*instead of closing tag '([^']+)'/,
    (m, skippedLines) => `</${m[3]}> found where <${m[1]}> (opened on line ${Number(m[2]) + skippedLines}) should be closed`,
  ],
  [/^Closing tag '([^']+)' has not been opened/, (m) => `</${m[1]}> closes a tag that is not open`],
  [/^Closing tag '([^']+)' doesn't have proper closing/, (m) => `</${m[1]} is not ended with ">"`],
  [/^Extra text at the end/, () => "there is text after the root element's closing tag"],
  [/^Multiple possible root nodes/, () => "there is more than one root element"],
  [/^char '&' is not expected/, () => 'a bare "&" (write it as &amp;)'],
  [/^char '(.)' is not expected/, (m) => `the character "${m[1]}" is not allowed here`],
  [/^Tag '([^']*)' is an invalid name/, (m) => `<${m[1]}> is not a valid tag name`],
  [/^Start tag expected/, () => "no element found: this is not an XML file"],
  [/^XML declaration allowed only at the start/, () => "the <?xml …?> declaration must come first in the file"],
  [/^Attribute '([^']+)' is repeated/, (m) => `the attribute ${m[1]} appears twice`],
  [/^Attribute '([^']+)' is without value/, (m) => `the attribute ${m[1]} has no value`],
];

function parseObject(raw: unknown): VocObject | string {
  if (!isRecord(raw)) return "<object> has no content";
  const name = optionalText(raw.name);
  if (!name) return "<name> is missing";
  if (!isRecord(raw.bndbox)) return `<bndbox> is missing for "${name}"`;
  const box: Partial<VocBox> = {};
  for (const key of ["xmin", "ymin", "xmax", "ymax"] as const) {
    const value = parseNumber(raw.bndbox[key]);
    if (value === undefined) return `<${key}> ${describe(raw.bndbox[key])} is not a number`;
    box[key] = value;
  }
  return {
    name,
    box: box as VocBox,
    difficult: parseFlag(raw.difficult),
    truncated: parseFlag(raw.truncated),
    occluded: parseFlag(raw.occluded),
    pose: optionalText(raw.pose),
    extra: pickExtra(raw, OBJECT_KEYS),
  };
}

function parseSize(raw: unknown): VocSize | string {
  if (!isRecord(raw)) return "<size> has no content";
  const width = parseNumber(raw.width);
  const height = parseNumber(raw.height);
  if (width === undefined || height === undefined || width <= 0 || height <= 0) {
    return `<size> says ${sizeText(raw.width)}x${sizeText(raw.height)}, which is not an image size`;
  }
  const depth = parseNumber(raw.depth);
  return depth === undefined ? { width, height } : { width, height, depth };
}

function sizeText(raw: unknown): string {
  return typeof raw === "string" && raw.trim() !== "" ? raw.trim() : "(missing)";
}

function parseNumber(raw: unknown): number | undefined {
  if (typeof raw !== "string" || raw.trim() === "") return undefined;
  const value = Number(raw.trim());
  return Number.isFinite(value) ? value : undefined;
}

function parseFlag(raw: unknown): boolean {
  if (typeof raw !== "string") return false;
  const v = raw.trim().toLowerCase();
  return v === "1" || v === "true" || v === "yes";
}

function optionalText(raw: unknown): string | undefined {
  if (typeof raw === "number") return String(raw);
  return typeof raw === "string" && raw.length > 0 ? raw : undefined;
}

function describe(raw: unknown): string {
  return raw === undefined ? "(missing)" : JSON.stringify(raw);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function pickExtra(record: Record<string, unknown>, known: Set<string>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(record).filter(([key]) => !known.has(key)));
}

const builder = new XMLBuilder({ format: true, indentBy: "\t", suppressEmptyNode: false });

export function serializeVoc(annotation: VocAnnotation): string {
  const body: Record<string, unknown> = {};
  if (annotation.folder !== undefined) body.folder = annotation.folder;
  if (annotation.filename !== undefined) body.filename = annotation.filename;
  if (annotation.path !== undefined) body.path = annotation.path;
  Object.assign(body, annotation.extra);
  if (annotation.size) {
    body.size = {
      width: annotation.size.width,
      height: annotation.size.height,
      ...(annotation.size.depth !== undefined ? { depth: annotation.size.depth } : {}),
    };
  }
  body.object = annotation.objects.map((o) => ({
    name: o.name,
    ...(o.pose !== undefined ? { pose: o.pose } : {}),
    truncated: o.truncated ? 1 : 0,
    occluded: o.occluded ? 1 : 0,
    difficult: o.difficult ? 1 : 0,
    ...o.extra,
    bndbox: { xmin: o.box.xmin, ymin: o.box.ymin, xmax: o.box.xmax, ymax: o.box.ymax },
  }));
  return builder.build({ annotation: body }) as string;
}

/** VOC (1-based, inclusive) → Masklab pixels (0-based, max exclusive). */
export function vocToPixelBox(box: VocBox): PixelBox {
  return { xmin: box.xmin - 1, ymin: box.ymin - 1, xmax: box.xmax, ymax: box.ymax };
}

/**
 * Masklab pixels → VOC, exactly (no rounding), so an export re-imports to identical boxes.
 * Boxes on whole pixel edges (everything imported from integer VOC files) give integers.
 */
export function pixelBoxToVoc(box: PixelBox): VocBox {
  return { xmin: box.xmin + 1, ymin: box.ymin + 1, xmax: box.xmax, ymax: box.ymax };
}
