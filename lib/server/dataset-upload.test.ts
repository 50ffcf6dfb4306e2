import { readdir } from "node:fs/promises";
import path from "node:path";
import yazl from "yazl";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { importUpload, receiveUpload, UploadRejectedError, type ReceivedUpload } from "./dataset-upload";
import { BILLION_LAUGHS, solidImage, vocObject, vocXml } from "./testing/hostile-files";
import { createTestEnv, type TestEnv } from "./testing/test-env";

let env: TestEnv;
beforeEach(async () => {
  env = await createTestEnv();
});
afterEach(async () => {
  await env.cleanup();
});

/** A zip whose entry names are written byte for byte, hostile ones included (yazl refuses them). */
async function zipOf(entries: Record<string, string | Buffer>): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  const renames: [string, string][] = [];
  Object.entries(entries).forEach(([name, content], i) => {
    const hostile = name.startsWith("/") || name.split("/").includes("..");
    // A hostile name gets an ASCII stand-in of the same length, patched to the real bytes afterwards.
    const placeholder = hostile ? `p${String(i).padStart(name.length - 1, "0")}` : name;
    if (hostile) renames.push([placeholder, name]);
    zip.addBuffer(Buffer.isBuffer(content) ? content : Buffer.from(content), placeholder);
  });
  zip.end();
  const chunks: Buffer[] = [];
  for await (const chunk of zip.outputStream) chunks.push(chunk as Buffer);
  let bytes = Buffer.concat(chunks);
  for (const [placeholder, name] of renames) {
    bytes = Buffer.from(bytes.toString("latin1").split(placeholder).join(name), "latin1");
  }
  return bytes;
}

async function upload(files: Array<[string, Buffer]>, fields: Record<string, string> = {}): Promise<ReceivedUpload> {
  const form = new FormData();
  for (const [key, value] of Object.entries(fields)) form.append(key, value);
  for (const [name, bytes] of files) form.append("files", new Blob([new Uint8Array(bytes)]), name);
  const request = new Request("http://localhost/api/datasets/import", { method: "POST", body: form });
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

  it("refuses what is not an upload of files", async () => {
    await expect(receiveUpload(new Request("http://x", { method: "POST", body: "{}" }).body!, "application/json", 2)).rejects.toMatchObject({ status: 415 });
    await expect(upload([], { name: "x" })).rejects.toBeInstanceOf(UploadRejectedError);
    await expect(upload([["broken.zip", Buffer.from("PK not really a zip")]])).rejects.toThrow(/not a readable zip/);
    expect(await readdir(path.join(env.dir, "uploads"))).toEqual([]);
  });
});
