import { createHash, randomUUID } from "node:crypto";
import { mkdir, readFile, rename, stat, unlink, writeFile } from "node:fs/promises";
import path from "node:path";
import { dataDir } from "./config";

/**
 * Content-addressed file storage: a blob's key is the sha256 of its bytes, so storing the same
 * file twice is a no-op and keys never collide. The local-disk store is the default;
 * BLOB_STORE=s3://bucket/prefix selects the S3-compatible store (s3-blob-store.ts), same interface.
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

/** The stored bytes do not hash to their key: a store never hands them back. */
export class BlobCorruptError extends Error {
  constructor(
    readonly key: string,
    readonly actual: string,
    readonly size: number,
  ) {
    super(`stored file ${key} is corrupt: its ${size} bytes hash to ${actual}; refusing to return them`);
    this.name = "BlobCorruptError";
  }
}

const KEY_PATTERN = /^[0-9a-f]{64}$/;

export function sha256Hex(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/**
 * "ab/cd/abcd…": two levels of fan-out keep directories small at millions of files. Object keys
 * use the same layout, so a disk store's folder copies into a bucket as it is.
 */
export function blobKeyPath(key: string): string {
  // Keys come from URLs and database rows: validate before they name a file or an object.
  if (!KEY_PATTERN.test(key)) throw new Error(`invalid blob key "${key.slice(0, 80)}"`);
  return `${key.slice(0, 2)}/${key.slice(2, 4)}/${key}`;
}

/** The bytes, once they are known to be the blob's: the one check every store's get makes. */
export function verifiedBlob(key: string, bytes: Buffer): Buffer {
  const actual = sha256Hex(bytes);
  if (actual !== key) throw new BlobCorruptError(key, actual, bytes.byteLength);
  return bytes;
}

export class LocalBlobStore implements BlobStore {
  constructor(readonly root: string) {}

  /** blobs/ab/cd/abcd… (blobKeyPath). */
  pathOf(key: string): string {
    return path.join(this.root, ...blobKeyPath(key).split("/"));
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
      return verifiedBlob(key, await readFile(this.pathOf(key)));
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

/** Where blobs live, from BLOB_STORE and, for a bucket, the usual AWS variables. */
export type BlobStoreSettings =
  | { kind: "disk"; root: string }
  | {
      kind: "s3";
      bucket: string;
      /** "" or a path without leading/trailing slashes; objects are `${prefix}/ab/cd/<sha256>` */
      prefix: string;
      /** AWS_ENDPOINT_URL_S3 or AWS_ENDPOINT_URL: a non-AWS server (MinIO, R2, Ceph …) */
      endpoint: string | undefined;
      /** AWS_REGION (or AWS_DEFAULT_REGION); us-east-1 when only an endpoint is given */
      region: string | undefined;
      /** S3_FORCE_PATH_STYLE=1: http://host/bucket/key instead of http://bucket.host/key */
      forcePathStyle: boolean;
    };

export class BlobStoreSettingError extends Error {
  override name = "BlobStoreSettingError";
}

// S3's bucket naming rules (3–63 characters: lowercase letters, digits, dots, hyphens).
const BUCKET_PATTERN = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/** Reads the settings and refuses a malformed value with a message saying what is expected. */
export function blobStoreSettings(env: Record<string, string | undefined> = process.env): BlobStoreSettings {
  const value = env.BLOB_STORE?.trim();
  if (!value) return { kind: "disk", root: path.join(dataDir(), "blobs") };
  const match = /^s3:\/\/([^/?#]*)(?:\/([^?#]*))?$/.exec(value);
  const expected = "BLOB_STORE must be s3://bucket or s3://bucket/prefix (unset: files on disk under DATA_DIR/blobs)";
  if (!match) throw new BlobStoreSettingError(`${expected}; got "${value}"`);
  const bucket = match[1]!;
  if (!BUCKET_PATTERN.test(bucket)) {
    throw new BlobStoreSettingError(`${expected}; "${bucket}" is not a bucket name (3–63 lowercase letters, digits, dots and hyphens)`);
  }
  const prefix = (match[2] ?? "").replace(/^\/+|\/+$/g, "");
  if (prefix !== "" && prefix.split("/").some((part) => part === "" || part === "." || part === "..")) {
    throw new BlobStoreSettingError(`${expected}; the prefix "${prefix}" has an empty, "." or ".." part`);
  }
  const endpoint = env.AWS_ENDPOINT_URL_S3?.trim() || env.AWS_ENDPOINT_URL?.trim() || undefined;
  if (endpoint !== undefined && !(URL.canParse(endpoint) && /^https?:$/.test(new URL(endpoint).protocol))) {
    throw new BlobStoreSettingError(`AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL must be a URL such as http://127.0.0.1:9000; got "${endpoint}"`);
  }
  const region = env.AWS_REGION?.trim() || env.AWS_DEFAULT_REGION?.trim() || (endpoint ? "us-east-1" : undefined);
  const pathStyle = (env.S3_FORCE_PATH_STYLE ?? "").trim().toLowerCase();
  if (!["", "0", "1", "true", "false"].includes(pathStyle)) {
    throw new BlobStoreSettingError(`S3_FORCE_PATH_STYLE must be 1 or 0; got "${env.S3_FORCE_PATH_STYLE}"`);
  }
  return { kind: "s3", bucket, prefix, endpoint, region, forcePathStyle: pathStyle === "1" || pathStyle === "true" };
}

/**
 * Opens the S3 store on first use: the AWS SDK is loaded only when a bucket is configured, so
 * the default disk path never pays for it.
 */
class DeferredBlobStore implements BlobStore {
  #opened: Promise<BlobStore> | undefined;

  constructor(private readonly open: () => Promise<BlobStore>) {}

  private store(): Promise<BlobStore> {
    this.#opened ??= this.open().catch((error: unknown) => {
      this.#opened = undefined;
      throw error;
    });
    return this.#opened;
  }

  async put(bytes: Uint8Array): Promise<string> {
    return (await this.store()).put(bytes);
  }

  async get(key: string): Promise<Buffer> {
    return (await this.store()).get(key);
  }

  async has(key: string): Promise<boolean> {
    return (await this.store()).has(key);
  }

  async delete(key: string): Promise<void> {
    return (await this.store()).delete(key);
  }
}

let current: { signature: string; store: BlobStore } | undefined;

/**
 * The configured store. Route handlers call this per request, so the store (and its S3 client
 * with its connection pool) is made once per setting and reused.
 */
export function blobStore(): BlobStore {
  const settings = blobStoreSettings();
  const signature = JSON.stringify(settings);
  if (current?.signature === signature) return current.store;
  const store: BlobStore =
    settings.kind === "disk"
      ? new LocalBlobStore(settings.root)
      : new DeferredBlobStore(async () => (await import("./s3-blob-store")).S3BlobStore.fromSettings(settings));
  current = { signature, store };
  return store;
}
