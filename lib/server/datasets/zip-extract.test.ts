import { mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { solidImage, vocObject, vocXml, withDeclaredSize, zipOf } from "../testing/hostile-files";
import { IMPORT_LIMITS } from "./voc-folder";
import { extractZip, ZIP_LIMITS, ZipRejectedError } from "./zip-extract";

let work: string;
let out: string;
beforeEach(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), "masklab-zip-"));
  out = path.join(work, "out");
});
afterEach(async () => {
  await rm(work, { recursive: true, force: true });
});

async function extract(entries: Buffer, limits = ZIP_LIMITS) {
  const file = path.join(work, "upload.zip");
  await writeFile(file, entries);
  return extractZip(file, out, { limits });
}

/** Every file under `dir` with its size. */
async function written(dir: string): Promise<Record<string, number>> {
  const files: Record<string, number> = {};
  for (const entry of await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => [])) {
    if (entry.isFile()) {
      const full = path.join(entry.parentPath, entry.name);
      files[path.relative(dir, full)] = (await stat(full)).size;
    }
  }
  return files;
}

const codes = (findings: { file: string; code: string }[]) => findings.map((f) => `${f.file}:${f.code}`);

describe("extractZip", () => {
  it("writes nothing of four 55 MB zero-filled 'images' (a 220 MB bomb in a small zip)", async () => {
    const zeros = Buffer.alloc(55 * 1024 * 1024);
    const zip = await zipOf({ "a.png": zeros, "b.png": zeros, "c.jpg": zeros, "d.jpg": zeros, "ok.xml": vocXml("x.png", "") });
    expect(zip.length).toBeLessThan(1024 * 1024);
    const findings = await extract(zip);
    expect(codes(findings)).toEqual(["a.png:file-too-large", "b.png:file-too-large", "c.jpg:file-too-large", "d.jpg:file-too-large"]);
    expect(findings[0]!.message).toBe(`${zeros.length} bytes is over the ${IMPORT_LIMITS.maxImageBytes}-byte limit for an image; skipped`);
    expect(await written(out)).toEqual({ "ok.xml": expect.any(Number) });
  });

  it("holds each kind to its own limit: an annotation file over 2 MB is not written", async () => {
    const findings = await extract(await zipOf({ "big.xml": Buffer.alloc(IMPORT_LIMITS.maxAnnotationBytes + 1, 0x20), "a.png": await solidImage(10, 10) }));
    expect(codes(findings)).toEqual(["big.xml:file-too-large"]);
    expect(Object.keys(await written(out))).toEqual(["a.png"]);
  });

  it("stops an entry that holds more than it declares and leaves no half-written file", async () => {
    const xml = vocXml("a.png", vocObject("with_mask", 1, 1, 9, 9).repeat(2000));
    const zip = withDeclaredSize(await zipOf({ "a.xml": xml, "b.xml": vocXml("b.png", "") }), "a.xml", 100);
    const findings = await extract(zip);
    expect(codes(findings)).toEqual(["a.xml:zip-entry-corrupt"]);
    expect(Object.keys(await written(out))).toEqual(["b.xml"]);
  });

  it("refuses a zip that would expand past its budget before writing past it", async () => {
    const zeros = Buffer.alloc(600 * 1024);
    const zip = await zipOf({ "a.png": zeros, "b.png": zeros, "c.png": zeros });
    const limits = { ...ZIP_LIMITS, minBudgetBytes: 1024 * 1024, maxExpansion: 10 };
    await expect(extract(zip, limits)).rejects.toBeInstanceOf(ZipRejectedError);
    expect(Object.values(await written(out)).reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(1024 * 1024);
  });

  it("reports a file and a folder at the same path, whichever comes first, and keeps the rest", async () => {
    const findings = await extract(
      await zipOf({
        "ds/x.png": await solidImage(10, 10),
        "ds/x.png/inner.xml": vocXml("x.png", ""),
        "ds/y/deep/z.png": await solidImage(11, 10),
        "ds/y": "a file where a folder is",
        "ds/y.xml/q.png": await solidImage(12, 10),
        "ds/y.xml": vocXml("y.png", ""),
        "ds/ok.xml": vocXml("ok.png", ""),
      }),
    );
    // "ds/y" is no kind of file an import reads, so it is not extracted at all.
    expect(codes(findings)).toEqual(["ds/x.png/inner.xml:path-conflict", "ds/y.xml:path-conflict", "upload.zip:files-ignored"]);
    expect(findings[0]!.message).toBe('the zip holds both a file and a folder named "ds/x.png"; this entry is skipped');
    expect(Object.keys(await written(out)).sort()).toEqual(["ds/ok.xml", "ds/x.png", "ds/y.xml/q.png", "ds/y/deep/z.png"]);
  });

  it("extracts only what an import reads, with one finding for the rest", async () => {
    const findings = await extract(
      await zipOf({
        "ds/a.png": await solidImage(10, 10),
        "ds/Annotations/a.xml": vocXml("a.png", ""),
        "ds/ImageSets/Main/train.txt": "a\n",
        "ds/video.mp4": Buffer.alloc(1000),
        "ds/notes.txt": "hello",
      }),
    );
    expect(findings).toEqual([
      { file: "upload.zip", severity: "info", code: "files-ignored", message: "2 file(s) that are not images, .xml or ImageSets lists were not extracted (ds/video.mp4, ds/notes.txt)" },
    ]);
    expect(Object.keys(await written(out)).sort()).toEqual(["ds/Annotations/a.xml", "ds/ImageSets/Main/train.txt", "ds/a.png"]);
    expect(await readFile(path.join(out, "ds/ImageSets/Main/train.txt"), "utf8")).toBe("a\n");
  });
});
