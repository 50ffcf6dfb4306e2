import { mkdtemp, readdir, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { BlobNotFoundError, LocalBlobStore, sha256Hex } from "./storage";

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
