import { writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "@/lib/server/testing/run-cli";
import { solidImage, vocObject, vocXml, zipOf } from "@/lib/server/testing/hostile-files";
import { createTestEnv, type TestEnv } from "@/lib/server/testing/test-env";

let env: TestEnv;

beforeAll(async () => {
  env = await createTestEnv();
});
afterAll(async () => env.cleanup());

describe("npm run import", () => {
  it("imports a .zip the way a browser upload does, and prints counts that add up", async () => {
    const zip = path.join(env.dir, "masks.zip");
    await writeFile(
      zip,
      await zipOf({
        "masks/Annotations/a.xml": vocXml("a.png", vocObject("with_mask", 2, 2, 20, 20)),
        "masks/JPEGImages/a.png": await solidImage(40, 30),
        "masks/JPEGImages/b.png": await solidImage(41, 30),
        "masks/JPEGImages/empty.png": Buffer.alloc(0),
        "masks/../evil.xml": "x",
      }),
    );
    const result = await runCli("import", [zip], env.dir);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('into dataset "masks"');
    expect(result.stdout).toContain("done: 3 image files: 2 added (1 unlabeled, 0 copies with other labels), 0 unchanged, 0 updated, 0 differ from stored labels (kept), 1 skipped; 1 boxes");
    expect(result.stdout).toContain("1 annotation files: 1 paired with an image, 0 skipped; 1 file(s) refused before import");
    const images = await env.db.image.findMany({ orderBy: { fileName: "asc" } });
    expect(images.map((i) => i.fileName)).toEqual(["JPEGImages/a.png", "JPEGImages/b.png"]);
    const run = await env.db.importRun.findFirstOrThrow({ include: { issues: true } });
    expect(run.source).toBe(zip);
    expect(run.issues.map((i) => `${i.file}:${i.code}`).sort()).toEqual([
      "Annotations/a.xml:size-missing",
      "JPEGImages/b.png:image-unlabeled",
      "JPEGImages/empty.png:image-empty",
      "masks/../evil.xml:unsafe-path",
    ]);
  }, 60_000);

  it("exits 1 with the reason when the file is not a zip", async () => {
    const notZip = path.join(env.dir, "notes.zip");
    await writeFile(notZip, "PK but not really");
    const result = await runCli("import", [notZip], env.dir);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("import failed: not a readable zip file");
  }, 60_000);
});
