import { db as defaultDb, type Db } from "../platform/db";
import { makeThumbnail } from "./image-probe";
import { blobStore, type BlobStore } from "../platform/storage";

export const MIME_TYPES: Record<string, string> = {
  jpeg: "image/jpeg",
  png: "image/png",
  webp: "image/webp",
  gif: "image/gif",
  tiff: "image/tiff",
  avif: "image/avif",
};

export class ImageNotFoundError extends Error {
  constructor(id: string) {
    super(`no image with id ${id}`);
    this.name = "ImageNotFoundError";
  }
}

/** The original file, untouched, with its real media type. */
export async function readOriginal(id: string, database: Db = defaultDb(), store: BlobStore = blobStore()) {
  const image = await database.image.findUnique({ where: { id }, select: { contentHash: true, format: true } });
  if (!image) throw new ImageNotFoundError(id);
  return { bytes: await store.get(image.contentHash), contentType: MIME_TYPES[image.format] ?? "application/octet-stream", etag: image.contentHash };
}

/**
 * The image's thumbnail, made at import; images from before thumbnails existed get theirs
 * made on first request and stored, so it happens once.
 */
export async function readThumbnail(id: string, database: Db = defaultDb(), store: BlobStore = blobStore()) {
  const image = await database.image.findUnique({ where: { id }, select: { contentHash: true, thumbnailKey: true } });
  if (!image) throw new ImageNotFoundError(id);
  if (image.thumbnailKey) return { bytes: await store.get(image.thumbnailKey), etag: image.thumbnailKey };
  const bytes = await makeThumbnail(await store.get(image.contentHash));
  const key = await store.put(bytes);
  await database.image.update({ where: { id }, data: { thumbnailKey: key } });
  return { bytes, etag: key };
}
