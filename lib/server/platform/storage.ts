import { createHash, randomUUID } from "node:crypto";
import { mkdir, readFile, rename, stat, unlink, writeFile } from "node:fs/promises";
import path from "node:path";
import { dataDir } from "./config";

/**
 * Content-addressed file storage: a blob's key is the sha256 of its bytes, so storing the same
 * file twice is a no-op and keys never collide. The local-disk store is the default; an
 * S3-compatible store can implement the same interface without touching callers.
 */
export interface BlobStore {
  /** Stores the bytes and returns their key (lowercase hex sha256). */
  put(bytes: Uint8Array): Promise<string>;
  get(key: string): Promise<Buffer>;
  has(key: string): Promise<boolean>;
  /** Removes a blob nothing refers to any more (a superseded checkpoint); a missing key is fine. */
  delete(key: string): Promise<void>;
}

export class BlobNotFoundError extends Error {
  constructor(readonly key: string) {
    super(`no stored file with key ${key}`);
    this.name = "BlobNotFoundError";
  }
}

const KEY_PATTERN = /^[0-9a-f]{64}$/;

export function sha256Hex(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

export class LocalBlobStore implements BlobStore {
  constructor(readonly root: string) {}

  /** blobs/ab/cd/abcd…: two levels of fan-out keep directories small at millions of files. */
  pathOf(key: string): string {
    // Keys come from URLs and database rows: validate before they touch the filesystem.
    if (!KEY_PATTERN.test(key)) throw new Error(`invalid blob key "${key.slice(0, 80)}"`);
    return path.join(this.root, key.slice(0, 2), key.slice(2, 4), key);
  }

  async put(bytes: Uint8Array): Promise<string> {
    const key = sha256Hex(bytes);
    const target = this.pathOf(key);
    if (await this.has(key)) return key;
    await mkdir(path.dirname(target), { recursive: true });
    // Write then rename: readers never see a half-written blob, and concurrent writers of the
    // same content both succeed.
    const temp = `${target}.${randomUUID()}.tmp`;
    try {
      await writeFile(temp, bytes);
      await rename(temp, target);
    } catch (error) {
      await unlink(temp).catch(() => undefined);
      throw error;
    }
    return key;
  }

  async get(key: string): Promise<Buffer> {
    try {
      return await readFile(this.pathOf(key));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") throw new BlobNotFoundError(key);
      throw error;
    }
  }

  async has(key: string): Promise<boolean> {
    return stat(this.pathOf(key)).then(
      () => true,
      () => false,
    );
  }

  async delete(key: string): Promise<void> {
    await unlink(this.pathOf(key)).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== "ENOENT") throw error;
    });
  }
}

export function blobStore(): LocalBlobStore {
  return new LocalBlobStore(path.join(dataDir(), "blobs"));
}
