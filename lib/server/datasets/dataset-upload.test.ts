import { readdir } from "node:fs/promises";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { discardUpload, importBrowserUpload, importUpload, receiveBrowserUpload, receiveUpload, UploadRejectedError, type ReceivedUpload } from "./dataset-upload";
import { BILLION_LAUGHS, solidImage, vocObject, vocXml, zipOf } from "../testing/hostile-files";
import { createTestEnv, type TestEnv } from "../testing/test-env";

let env: TestEnv;
beforeEach(async () => {
  env = await createTestEnv();
});
afterEach(async () => {
  await env.cleanup();
});

function uploadRequest(files: Array<[string, Buffer]>, fields: Record<string, string>): Request {
  const form = new FormData();
  for (const [key, value] of Object.entries(fields)) form.append(key, value);
  for (const [name, bytes] of files) form.append("files", new Blob([new Uint8Array(bytes)]), name);
  return new Request("http://localhost/api/datasets/import", { method: "POST", body: form });
}

async function upload(files: Array<[string, Buffer]>, fields: Record<string, string> = {}): Promise<ReceivedUpload> {
  const request = uploadRequest(files, fields);
  return receiveUpload(request.body!, request.headers.get("content-type")!, null);
}

describe("browser upload", () => {
  it("imports a zipped VOC folder wrapped in a top folder, skipping zip-slip entries", async () => {
    const zip = await zipOf({
      "masks/Annotations/a.xml": vocXml("a.png", vocObject("with_mask", 2, 2, 20, 20)),
      "masks/JPEGImages/a.png": await solidImage(40, 30),
      "masks/JPEGImages/café 2.png": await solidImage(41, 30),
      "masks/Annotations/café 2.xml": vocXml("café 2.png", vocObject("without_mask", 1, 1, 10, 10)),
      "../evil.xml": BILLION_LAUGHS,
      "/etc/evil.xml": "x",
      "__MACOSX/masks/._a.png": "junk",
    });
    const received = await upload([["masks.zip", zip]]);
    expect(received.findings.map((f) => `${f.file}:${f.code}`)).toEqual(["../evil.xml:unsafe-path", "/etc/evil.xml:unsafe-path"]);
    const summary = await importUpload(received, { name: "masks", db: env.db, store: env.store });
    expect(summary).toMatchObject({ imagesAdded: 2, boxesAdded: 2 });
    expect(summary.issues.filter((i) => i.code === "unsafe-path")).toHaveLength(2);
    const run = await env.db.importRun.findFirstOrThrow({ include: { issues: true } });
    expect(run.source).toBe("browser upload");
    expect(run.issues.map((i) => i.code)).toContain("unsafe-path");
    expect((await env.db.image.findMany()).map((i) => i.fileName).sort()).toEqual(["JPEGImages/a.png", "JPEGImages/café 2.png"]);
    // Nothing was written outside the upload folder, and the upload folder is gone.
    expect(await readdir(path.join(env.dir, "uploads"))).toEqual([]);
  });

  it("imports the files of a picked folder sent with their relative paths", async () => {
    const received = await upload(
      [
        ["ds/Annotations/b.xml", Buffer.from(vocXml("b.png", vocObject("mask", 1, 1, 9, 9)))],
        ["ds/JPEGImages/b.png", await solidImage(30, 30)],
        ["ds/../../escape.png", await solidImage(30, 31)],
      ],
      { name: "picked" },
    );
    expect(received.fields).toEqual({ name: "picked" });
    expect(received.findings).toEqual([expect.objectContaining({ code: "unsafe-path", file: "ds/../../escape.png" })]);
    const summary = await importUpload(received, { name: "picked", classMap: { mask: "with_mask" }, db: env.db, store: env.store });
    expect(summary).toMatchObject({ imagesAdded: 1, boxesAdded: 1 });
  });

  it("turns a file and a folder at one path into a finding, for zips and for picked files", async () => {
    const zip = await zipOf({
      a: "a file where a folder is",
      "a/b.xml": vocXml("b.png", vocObject("with_mask", 1, 1, 9, 9)),
      "a/b.png": await solidImage(30, 30),
      "a/b.png/c.xml": vocXml("c.png", ""),
    });
    const zipped = await upload([["conflict.zip", zip]]);
    expect(zipped.findings.map((f) => `${f.file}:${f.code}`)).toEqual(["a/b.png/c.xml:path-conflict", "conflict.zip:files-ignored"]);
    expect(await importUpload(zipped, { name: "zipped", db: env.db, store: env.store })).toMatchObject({ imagesAdded: 1, boxesAdded: 1, filesRefused: 1 });

    const picked = await upload([
      ["ds/b.png", await solidImage(31, 30)],
      ["ds/b.xml", Buffer.from(vocXml("b.png", vocObject("with_mask", 1, 1, 9, 9)))],
      ["ds/b.png/c.xml", Buffer.from(vocXml("c.png", ""))],
    ]);
    expect(picked.findings.map((f) => `${f.file}:${f.code}`)).toEqual(["ds/b.png/c.xml:path-conflict"]);
    expect(await importUpload(picked, { name: "picked", db: env.db, store: env.store })).toMatchObject({ imagesAdded: 1, boxesAdded: 1 });
    expect(await readdir(path.join(env.dir, "uploads"))).toEqual([]);
  });

  it("does not keep a picked file past its kind's limit", async () => {
    const received = await upload([
      ["ds/a.png", await solidImage(30, 30)],
      ["ds/big.xml", Buffer.alloc(2 * 1024 * 1024 + 10, 0x20)],
      ["ds/movie.mp4", Buffer.alloc(1000)],
    ]);
    expect(received.findings.map((f) => `${f.file}:${f.code}`)).toEqual(["ds/big.xml:file-too-large", "(upload):files-ignored"]);
    expect(await readdir(path.join(received.dir, "files/ds"))).toEqual(["a.png"]);
    await discardUpload(received);
  });

  it("refuses what is not an upload of files", async () => {
    await expect(receiveUpload(new Request("http://x", { method: "POST", body: "{}" }).body!, "application/json", 2)).rejects.toMatchObject({ status: 415 });
    await expect(upload([], { name: "x" })).rejects.toBeInstanceOf(UploadRejectedError);
    await expect(upload([["broken.zip", Buffer.from("PK not really a zip")]])).rejects.toThrow(/not a readable zip/);
    expect(await readdir(path.join(env.dir, "uploads"))).toEqual([]);
  });
});

describe("the browser's import", () => {
  const browserImport = async (fields: Record<string, string>, files: Array<[string, Buffer]>) => {
    const request = uploadRequest(files, fields);
    const received = await receiveBrowserUpload(request.body, request.headers.get("content-type")!, null);
    return { name: received.name, summary: await importBrowserUpload(received, { db: env.db, store: env.store }) };
  };
  const maskFolder = async (): Promise<Array<[string, Buffer]>> => [
    ["ds/Annotations/a.xml", Buffer.from(vocXml("a.png", vocObject("mask", 1, 1, 9, 9)))],
    ["ds/JPEGImages/a.png", await solidImage(20, 20)],
  ];

  it("refuses a missing name, a malformed class map or no body with a 400, keeping nothing", async () => {
    const files = await maskFolder();
    await expect(browserImport({}, files)).rejects.toMatchObject({ status: 400 });
    await expect(browserImport({ name: "masks", classMap: "mask" }, files)).rejects.toMatchObject({ status: 400, message: '"mask" is not of the form found=class' });
    await expect(receiveBrowserUpload(null, "multipart/form-data", null)).rejects.toMatchObject({ status: 400, message: "the request has no body" });
    expect(await readdir(path.join(env.dir, "uploads"))).toEqual([]);
  });

  it("imports under the name and class map the form gives", async () => {
    const files = await maskFolder();
    const { name, summary } = await browserImport({ name: "masks", classMap: "mask=with_mask" }, files);
    expect(name).toBe("masks");
    expect(summary).toMatchObject({ imagesAdded: 1, boxesAdded: 1 });
    expect((await env.db.box.findFirstOrThrow()).className).toBe("with_mask");
  });
});
