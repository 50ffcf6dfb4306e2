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

/** The original file, untouched, with its real media type; null for an id that names no image. */
export async function readOriginal(id: string, database: Db = defaultDb(), store: BlobStore = blobStore()) {
  const image = await database.image.findUnique({ where: { id }, select: { contentHash: true, format: true } });
  if (!image) return null;
  return { bytes: await store.get(image.contentHash), contentType: MIME_TYPES[image.format] ?? "application/octet-stream", etag: image.contentHash };
}

/**
 * The image's thumbnail (a JPEG), made at import; images from before thumbnails existed get theirs
 * made on first request and stored, so it happens once. Null for an id that names no image.
 */
export async function readThumbnail(id: string, database: Db = defaultDb(), store: BlobStore = blobStore()) {
  const image = await database.image.findUnique({ where: { id }, select: { contentHash: true, thumbnailKey: true } });
  if (!image) return null;
  const contentType = "image/jpeg";
  if (image.thumbnailKey) return { bytes: await store.get(image.thumbnailKey), etag: image.thumbnailKey, contentType };
  const bytes = await makeThumbnail(await store.get(image.contentHash));
  const key = await store.put(bytes);
  await database.image.update({ where: { id }, data: { thumbnailKey: key } });
  return { bytes, etag: key, contentType };
}
