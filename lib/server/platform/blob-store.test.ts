import { createHash } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { GetObjectCommand, PutObjectCommand, S3Client } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { S3BlobStore } from "./s3-blob-store";
import { BlobCorruptError, BlobNotFoundError, blobStore, LocalBlobStore, sha256Hex, type BlobStore } from "./storage";

/**
 * One behavioural suite, run against the disk store and against the S3 store talking to a local
 * S3-compatible server (s3rver, started here on a free loopback port). docs/object-storage.md
 * lists what that server does not check compared with real S3.
 */

interface S3rverInstance {
  run(): Promise<AddressInfo>;
  close(): Promise<void>;
}
type S3rverClass = new (options: Record<string, unknown>) => S3rverInstance;
const S3rver = createRequire(import.meta.url)("@20minutes/s3rver") as S3rverClass;

const BUCKET = "masklab-test";
let work: string;
let server: S3rverInstance;
let endpoint: string;
let client: S3Client;

beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), "masklab-blob-store-"));
  // The bucket is made by the server at start: s3rver signs bucket-level paths without the SDK's
  // trailing slash, so a CreateBucket call fails its signature check (object paths are fine).
  server = new S3rver({ address: "127.0.0.1", port: 0, silent: true, directory: path.join(work, "s3rver"), configureBuckets: [{ name: BUCKET }] });
  const { port } = await server.run();
  endpoint = `http://127.0.0.1:${port}`;
  client = new S3Client({
    endpoint,
    region: "us-east-1",
    forcePathStyle: true,
    credentials: { accessKeyId: "S3RVER", secretAccessKey: "S3RVER" },
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
  });
});

afterAll(async () => {
  client?.destroy();
  await server?.close();
  await rm(work, { recursive: true, force: true });
});

interface Subject {
  store: BlobStore;
  /** Writes wrong bytes where the blob `key` is kept, bypassing the store. */
  tamper(key: string, bytes: Uint8Array): Promise<void>;
}

let next = 0;
const subjects: Record<string, () => Promise<Subject>> = {
  "the disk store": async () => {
    const store = new LocalBlobStore(path.join(work, `disk-${next++}`));
    return { store, tamper: (key, bytes) => writeFile(store.pathOf(key), bytes) };
  },
  "the S3 store": async () => {
    const store = new S3BlobStore(client, BUCKET, `run-${next++}/blobs`);
    return { store, tamper: async (key, bytes) => void (await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: store.objectKey(key), Body: bytes }))) };
  },
};

describe.each(Object.keys(subjects))("%s", (name) => {
  const subject = () => subjects[name]!();

  it("stores bytes under their sha256, reads them back, and deletes them", async () => {
    const { store } = await subject();
    const bytes = Buffer.from("a face, masked");
    const key = await store.put(bytes);
    expect(key).toBe(sha256Hex(bytes));
    expect(await store.has(key)).toBe(true);
    expect(await store.get(key)).toEqual(bytes);
    await store.delete(key);
    expect(await store.has(key)).toBe(false);
    await expect(store.get(key)).rejects.toBeInstanceOf(BlobNotFoundError);
    await store.delete(key);
  });

  it("answers a missing key with BlobNotFoundError and refuses keys that are not hashes", async () => {
    const { store } = await subject();
    const missing = "e".repeat(64);
    expect(await store.has(missing)).toBe(false);
    await expect(store.get(missing)).rejects.toBeInstanceOf(BlobNotFoundError);
    for (const key of ["../../etc/passwd", "ABC", `${"a".repeat(63)}/`]) await expect(store.get(key)).rejects.toThrow(/invalid blob key/);
  });

  it("is idempotent: the same bytes twice, or eight times at once, make one blob", async () => {
    const { store } = await subject();
    const bytes = Buffer.alloc(300_000, 7);
    expect(await store.put(bytes)).toBe(await store.put(bytes));
    const other = Buffer.alloc(250_000, 9);
    const keys = await Promise.all(Array.from({ length: 8 }, () => store.put(other)));
    expect(new Set(keys)).toEqual(new Set([sha256Hex(other)]));
    expect(await store.get(keys[0]!)).toEqual(other);
  });

  it("refuses to hand back bytes that do not hash to their key", async () => {
    const { store, tamper } = await subject();
    const key = await store.put(Buffer.from("the real checkpoint"));
    await tamper(key, Buffer.from("something else entirely"));
    const refused = await store.get(key).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(BlobCorruptError);
    expect(String(refused)).toMatch(new RegExp(`${key} is corrupt`));
  });

  it("round-trips a 20 MB blob byte for byte", async () => {
    const { store } = await subject();
    const bytes = Buffer.alloc(20 * 1024 * 1024);
    for (let i = 0; i < bytes.length; i += 4) bytes.writeUInt32LE((i * 2654435761) >>> 0, i);
    const key = await store.put(bytes);
    const back = await store.get(key);
    expect(back.length).toBe(bytes.length);
    expect(back.equals(bytes)).toBe(true);
  });
});

describe("the S3 store's objects", () => {
  it("live at <prefix>/ab/cd/<sha256>, the disk store's layout, and nothing else is written", async () => {
    const store = new S3BlobStore(client, BUCKET, "tenant-a/blobs");
    const bytes = Buffer.from("prefixed");
    const key = await store.put(bytes);
    expect(store.objectKey(key)).toBe(`tenant-a/blobs/${key.slice(0, 2)}/${key.slice(2, 4)}/${key}`);
    const object = await client.send(new GetObjectCommand({ Bucket: BUCKET, Key: store.objectKey(key) }));
    expect(Buffer.from(await object.Body!.transformToByteArray())).toEqual(bytes);
    // another prefix is another store
    expect(await new S3BlobStore(client, BUCKET, "tenant-b/blobs").has(key)).toBe(false);
    expect(new S3BlobStore(client, BUCKET).objectKey(key)).toBe(`${key.slice(0, 2)}/${key.slice(2, 4)}/${key}`);
  });

  it("send the checksums that let a real server refuse a corrupted upload", async () => {
    // The local server does not verify them (docs/object-storage.md), so check what goes out.
    const store = new S3BlobStore(client, BUCKET, "checksums");
    const sent: Record<string, string>[] = [];
    client.middlewareStack.add(
      (next) => async (args) => {
        const request = args.request as { method?: string; headers?: Record<string, string> };
        if (request.method === "PUT") sent.push({ ...request.headers });
        return next(args);
      },
      { step: "finalizeRequest", name: "captureChecksums", priority: "low" },
    );
    try {
      const bytes = Buffer.from("checked on the way in");
      await store.put(bytes);
      expect(sent).toHaveLength(1);
      const headers = Object.fromEntries(Object.entries(sent[0]!).map(([k, v]) => [k.toLowerCase(), v]));
      expect(headers["content-md5"]).toBe(createHashBase64("md5", bytes));
      expect(headers["x-amz-checksum-sha256"]).toBe(createHashBase64("sha256", bytes));
      // already stored: no second upload
      await store.put(bytes);
      expect(sent).toHaveLength(1);
    } finally {
      client.middlewareStack.remove("captureChecksums");
    }
  });

  it("replace an object cut short instead of trusting it", async () => {
    const store = new S3BlobStore(client, BUCKET, "truncated");
    const bytes = Buffer.alloc(64_000, 3);
    const key = sha256Hex(bytes);
    await client.send(new PutObjectCommand({ Bucket: BUCKET, Key: store.objectKey(key), Body: bytes.subarray(0, 1000) }));
    await expect(store.get(key)).rejects.toBeInstanceOf(BlobCorruptError);
    await store.put(bytes);
    expect(await store.get(key)).toEqual(bytes);
  });

  it("are reached through blobStore() from BLOB_STORE and the usual AWS variables", async () => {
    const settings = {
      BLOB_STORE: `s3://${BUCKET}/from-env/`,
      AWS_ENDPOINT_URL_S3: endpoint,
      S3_FORCE_PATH_STYLE: "1",
      AWS_ACCESS_KEY_ID: "S3RVER",
      AWS_SECRET_ACCESS_KEY: "S3RVER",
    };
    const saved = Object.fromEntries(Object.keys(settings).map((name) => [name, process.env[name]]));
    Object.assign(process.env, settings);
    try {
      const store = blobStore();
      const bytes = Buffer.from("configured from the environment");
      const key = await store.put(bytes);
      expect(await store.get(key)).toEqual(bytes);
      expect(await new S3BlobStore(client, BUCKET, "from-env").has(key)).toBe(true);
    } finally {
      for (const [name, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[name];
        else process.env[name] = value;
      }
    }
  });

  it("are refused to a client with the wrong secret (the local server checks signatures)", async () => {
    const stranger = new S3Client({ endpoint, region: "us-east-1", forcePathStyle: true, credentials: { accessKeyId: "S3RVER", secretAccessKey: "wrong" } });
    try {
      await expect(new S3BlobStore(stranger, BUCKET, "strangers").put(Buffer.from("x"))).rejects.toThrow(/could not look up s3:\/\/masklab-test\/strangers\/.*HTTP 403/);
      await expect(new S3BlobStore(stranger, BUCKET, "strangers").get("a".repeat(64))).rejects.toThrow(/SignatureDoesNotMatch.*HTTP 403/);
    } finally {
      stranger.destroy();
    }
  });

  it("say which bucket is missing rather than that a blob is", async () => {
    const store = new S3BlobStore(client, "no-such-bucket");
    await expect(store.put(Buffer.from("x"))).rejects.toThrow(/s3:\/\/no-such-bucket\/.*NoSuchBucket/);
    await expect(store.get("a".repeat(64))).rejects.toThrow(/NoSuchBucket/);
  });
});

function createHashBase64(algorithm: "md5" | "sha256", bytes: Uint8Array): string {
  return createHash(algorithm).update(bytes).digest("base64");
}
