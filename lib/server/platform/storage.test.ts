import { execFile } from "node:child_process";
import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { dataDir } from "./config";
import { BlobNotFoundError, blobStore, blobStoreSettings, BlobStoreSettingError, LocalBlobStore, sha256Hex } from "./storage";

let root: string;
beforeEach(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), "masklab-blobs-"));
});
afterEach(() => rm(root, { recursive: true, force: true }));

describe("LocalBlobStore", () => {
  it("stores bytes under their sha256 and reads them back", async () => {
    const store = new LocalBlobStore(root);
    const bytes = Buffer.from("a face, masked");
    const key = await store.put(bytes);
    expect(key).toBe(sha256Hex(bytes));
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    expect(await store.get(key)).toEqual(bytes);
    expect(await store.has(key)).toBe(true);
    expect(store.pathOf(key)).toBe(path.join(root, key.slice(0, 2), key.slice(2, 4), key));
  });

  it("is idempotent and leaves no temporary files, also under concurrent writers", async () => {
    const store = new LocalBlobStore(root);
    const bytes = Buffer.alloc(100_000, 7);
    const keys = await Promise.all(Array.from({ length: 8 }, () => store.put(bytes)));
    expect(new Set(keys).size).toBe(1);
    const files = await readdir(root, { recursive: true });
    expect(files.filter((f) => f.endsWith(".tmp"))).toEqual([]);
    expect(files.filter((f) => f.endsWith(keys[0]!))).toHaveLength(1);
  });

  it("refuses keys that are not hashes, so no key can name a path", async () => {
    const store = new LocalBlobStore(root);
    for (const key of ["../../etc/passwd", "/etc/passwd", "ABC", `${"a".repeat(63)}/`]) {
      await expect(store.get(key)).rejects.toThrow(/invalid blob key/);
    }
    await expect(store.get("a".repeat(64))).rejects.toBeInstanceOf(BlobNotFoundError);
  });
});

describe("blobStoreSettings", () => {
  it("keeps files on disk under DATA_DIR/blobs when BLOB_STORE is unset or empty", () => {
    for (const env of [{}, { BLOB_STORE: "" }, { BLOB_STORE: "  " }]) {
      expect(blobStoreSettings(env)).toEqual({ kind: "disk", root: path.join(dataDir(), "blobs") });
    }
  });

  it("reads a bucket, a prefix and the usual endpoint, region and path-style variables", () => {
    expect(blobStoreSettings({ BLOB_STORE: "s3://masklab-blobs" })).toEqual({ kind: "s3", bucket: "masklab-blobs", prefix: "", endpoint: undefined, region: undefined, forcePathStyle: false });
    expect(blobStoreSettings({ BLOB_STORE: "s3://masklab.blobs/team/prod/", AWS_REGION: "eu-west-3" })).toMatchObject({ bucket: "masklab.blobs", prefix: "team/prod", region: "eu-west-3" });
    expect(blobStoreSettings({ BLOB_STORE: "s3://minio-bucket/x", AWS_ENDPOINT_URL: "http://127.0.0.1:9000", S3_FORCE_PATH_STYLE: "1" })).toMatchObject({
      endpoint: "http://127.0.0.1:9000",
      region: "us-east-1",
      forcePathStyle: true,
    });
    // the S3-specific endpoint wins over the general one, as in the AWS SDKs and CLI
    expect(blobStoreSettings({ BLOB_STORE: "s3://bucket-a", AWS_ENDPOINT_URL: "http://a:1", AWS_ENDPOINT_URL_S3: "http://s3:2", AWS_DEFAULT_REGION: "auto" })).toMatchObject({ endpoint: "http://s3:2", region: "auto" });
  });

  it("refuses a malformed value with a message that says what is expected", () => {
    const refused = (env: Record<string, string>) => {
      try {
        blobStoreSettings(env);
      } catch (error) {
        expect(error).toBeInstanceOf(BlobStoreSettingError);
        return (error as Error).message;
      }
      throw new Error(`accepted ${JSON.stringify(env)}`);
    };
    for (const value of ["masklab-blobs", "s3:/masklab-blobs", "file:///srv/blobs", "s3://", "s3://bucket?x=1", "s3://host:9000/bucket"]) {
      expect(refused({ BLOB_STORE: value })).toMatch(/^BLOB_STORE must be s3:\/\/bucket or s3:\/\/bucket\/prefix/);
    }
    expect(refused({ BLOB_STORE: "s3://Masklab_Blobs" })).toMatch(/"Masklab_Blobs" is not a bucket name/);
    expect(refused({ BLOB_STORE: "s3://ab" })).toMatch(/"ab" is not a bucket name/);
    expect(refused({ BLOB_STORE: "s3://masklab-blobs/a//b" })).toMatch(/prefix "a\/\/b"/);
    expect(refused({ BLOB_STORE: "s3://masklab-blobs/a/../b" })).toMatch(/prefix/);
    expect(refused({ BLOB_STORE: "s3://masklab-blobs", S3_FORCE_PATH_STYLE: "yes" })).toMatch(/S3_FORCE_PATH_STYLE must be 1 or 0/);
    expect(refused({ BLOB_STORE: "s3://masklab-blobs", AWS_ENDPOINT_URL: "minio:9000" })).toMatch(/must be a URL/);
  });
});

describe("blobStore", () => {
  const saved = { DATA_DIR: process.env.DATA_DIR, BLOB_STORE: process.env.BLOB_STORE };
  afterEach(() => {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });

  it("is the disk store by default, made once per setting", () => {
    delete process.env.BLOB_STORE;
    process.env.DATA_DIR = root;
    const store = blobStore();
    expect(store).toBeInstanceOf(LocalBlobStore);
    expect((store as LocalBlobStore).root).toBe(path.join(root, "blobs"));
    expect(blobStore()).toBe(store);
    process.env.DATA_DIR = path.join(root, "other");
    expect(blobStore()).not.toBe(store);
  });

  it("fails at once on a malformed BLOB_STORE", () => {
    process.env.BLOB_STORE = "bucket/prefix";
    expect(() => blobStore()).toThrow(BlobStoreSettingError);
  });

  it("loads the AWS SDK only when a bucket is configured, and only on first use", async () => {
    // A real process, so the module cache shows exactly what the default path loads.
    const script = path.join(root, "probe.mjs");
    await writeFile(
      script,
      [
        `import { createRequire } from "node:module";`,
        `const sdkLoaded = () => Object.keys(createRequire(import.meta.url).cache).some((file) => file.includes("@aws-sdk"));`,
        `const { blobStore } = await import(${JSON.stringify(path.resolve("lib/server/platform/storage.ts"))});`,
        `const store = blobStore();`,
        `const beforeUse = sdkLoaded();`,
        `await store.has("a".repeat(64)).catch(() => undefined);`,
        `console.log(JSON.stringify({ beforeUse, afterUse: sdkLoaded() }));`,
      ].join("\n"),
    );
    const probe = async (env: Record<string, string>) => {
      const { stdout } = await promisify(execFile)(process.execPath, ["--import", "tsx", script], { env: { ...process.env, DATA_DIR: root, BLOB_STORE: "", ...env } });
      return JSON.parse(stdout) as { beforeUse: boolean; afterUse: boolean };
    };
    expect(await probe({})).toEqual({ beforeUse: false, afterUse: false });
    // nothing listens on port 1: the lookup fails fast, after the SDK has loaded
    const s3 = { BLOB_STORE: "s3://masklab-blobs/p", AWS_ENDPOINT_URL: "http://127.0.0.1:1", AWS_ACCESS_KEY_ID: "x", AWS_SECRET_ACCESS_KEY: "y", AWS_MAX_ATTEMPTS: "1" };
    expect(await probe(s3)).toEqual({ beforeUse: false, afterUse: true });
  });
});
