import sharp, { type Metadata } from "sharp";
import { DomainError } from "../platform/errors";

/** Limits checked from the header before any pixel is decoded (decompression bombs). */
export const IMAGE_LIMITS = {
  maxBytes: 50 * 1024 * 1024,
  maxPixels: 100_000_000,
} as const;

export const THUMBNAIL_SIZE = 256;

export interface ImageProbe {
  width: number;
  height: number;
  /** format sniffed from the bytes, whatever the extension says */
  format: string;
  channels: number;
  colorSpace: string;
  bitsPerSample: number;
  hasAlpha: boolean;
  /** JPEG, at most THUMBNAIL_SIZE on its longer side, RGB on white */
  thumbnail: Buffer;
}

/** The image cannot be taken: 413 when it is over a limit, 400 when it is empty or unreadable. */
export class ImageProbeError extends DomainError {
  readonly status: 400 | 413;

  constructor(
    readonly code: "image-empty" | "image-too-large" | "image-unreadable" | "image-too-many-pixels" | "image-truncated",
    message: string,
  ) {
    super(message);
    this.name = "ImageProbeError";
    this.status = code === "image-too-large" || code === "image-too-many-pixels" ? 413 : 400;
  }
}

const BITS: Record<string, number> = { uchar: 8, char: 8, ushort: 16, short: 16, uint: 32, int: 32, float: 32, double: 64 };

/**
 * Reads an image's header, checks the limits, then decodes it fully once (making the
 * thumbnail), which is what catches truncated and corrupt files. Pixels are never rotated by
 * EXIF: boxes refer to the stored pixel grid.
 */
export async function probeImage(bytes: Buffer): Promise<ImageProbe> {
  const { width, height, format, meta } = await checkImageHeader(bytes);
  let thumbnail: Buffer;
  try {
    thumbnail = await makeThumbnail(bytes);
  } catch (error) {
    throw decodeError(error);
  }
  return {
    width,
    height,
    format,
    channels: meta.channels ?? 3,
    colorSpace: meta.space ?? "srgb",
    bitsPerSample: BITS[meta.depth ?? "uchar"] ?? 8,
    hasAlpha: meta.hasAlpha ?? false,
    thumbnail,
  };
}

/**
 * The checks that need only the header: not empty, not over the byte limit, a format sharp
 * reads, dimensions within the pixel limit. Nothing is decoded yet.
 */
export async function checkImageHeader(bytes: Buffer, limits: { maxBytes: number; maxPixels: number } = IMAGE_LIMITS) {
  if (bytes.length === 0) throw new ImageProbeError("image-empty", "the file is empty");
  if (bytes.length > limits.maxBytes) {
    throw new ImageProbeError("image-too-large", `${bytes.length} bytes is over the ${limits.maxBytes}-byte limit`);
  }
  let meta: Metadata;
  try {
    meta = await sharp(bytes, { limitInputPixels: false }).metadata();
  } catch (error) {
    throw new ImageProbeError("image-unreadable", `not a readable image (${(error as Error).message})`);
  }
  const { width, height, format } = meta;
  if (!width || !height || !format) throw new ImageProbeError("image-unreadable", "the image has no dimensions");
  if (width * height > limits.maxPixels) {
    throw new ImageProbeError("image-too-many-pixels", `${width}x${height} is over the ${limits.maxPixels}-pixel limit`);
  }
  return { width, height, format, meta };
}

/** A decode failure as the probe reports it: truncated files say so. */
export function decodeError(error: unknown): ImageProbeError {
  const message = (error as Error).message;
  const truncated = /premature|truncat|end of (file|stream)|corrupt|incomplete/i.test(message);
  return new ImageProbeError(truncated ? "image-truncated" : "image-unreadable", `the image cannot be decoded (${message.split("\n")[0]})`);
}

/** JPEG, at most THUMBNAIL_SIZE on its longer side, RGB on white; fails on truncated input. */
export function makeThumbnail(bytes: Buffer): Promise<Buffer> {
  return sharp(bytes, { failOn: "truncated", limitInputPixels: IMAGE_LIMITS.maxPixels })
    .resize(THUMBNAIL_SIZE, THUMBNAIL_SIZE, { fit: "inside", withoutEnlargement: true })
    .flatten({ background: "#ffffff" })
    .toColourspace("srgb")
    .jpeg({ quality: 78 })
    .toBuffer();
}
