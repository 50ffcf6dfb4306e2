import { readdir } from "node:fs/promises";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { importStreamEventSchema, type ImportStreamEvent } from "@/lib/contracts/http/datasets";
import { importBrowserUpload, receiveBrowserUpload } from "./dataset-upload";
import { importResultOf, streamImportProgress, wantsImportProgress } from "./import-answer";
import { solidImage, vocObject, vocXml, zipOf } from "../testing/hostile-files";
import { createTestEnv, type TestEnv } from "../testing/test-env";

let env: TestEnv;
beforeEach(async () => {
  env = await createTestEnv();
});
afterEach(async () => {
  await env.cleanup();
});

async function maskZip(images: number): Promise<Buffer> {
  const files: Record<string, string | Buffer> = {};
  for (let i = 0; i < images; i++) {
    files[`masks/JPEGImages/${i}.png`] = await solidImage(30 + i, 30);
    files[`masks/Annotations/${i}.xml`] = vocXml(`${i}.png`, vocObject("with_mask", 2, 2, 20, 20));
  }
  return zipOf(files);
}

/** The browser's request, received; then the import streamed as the route streams it. */
async function streamedImport(zip: Buffer, name = "masks"): Promise<Response> {
  const form = new FormData();
  form.append("name", name);
  form.append("files", new Blob([new Uint8Array(zip)]), "masks.zip");
  const request = new Request("http://localhost/api/datasets/import", { method: "POST", body: form });
  const received = await receiveBrowserUpload(request.body, request.headers.get("content-type")!, null);
  return streamImportProgress(async (onProgress) => importResultOf(await importBrowserUpload(received, { onProgress, db: env.db, store: env.store })));
}

async function eventsOf(response: Response): Promise<ImportStreamEvent[]> {
  const text = await response.text();
  expect(text.endsWith("\n")).toBe(true);
  return text.trimEnd().split("\n").map((line) => importStreamEventSchema.parse(JSON.parse(line)));
}

describe("an import followed as it runs", () => {
  it("streams unpacking, verifying and importing in order, each counting up to its total, then the result", async () => {
    const response = await streamedImport(await maskZip(6));
    expect(response.headers.get("content-type")).toMatch(/^application\/x-ndjson/);
    const events = await eventsOf(response);
    const progress = events.flatMap((e) => (e.type === "progress" ? [e] : []));
    expect([...new Set(progress.map((e) => e.phase))]).toEqual(["unpacking", "verifying", "importing"]);
    for (const phase of ["unpacking", "verifying", "importing"] as const) {
      const counts = progress.filter((e) => e.phase === phase);
      expect(counts.map((e) => e.done)).toEqual([...counts.map((e) => e.done)].sort((a, b) => a - b));
      expect(counts.at(-1)!.done).toBe(counts.at(-1)!.total);
    }
    expect(progress.filter((e) => e.phase === "verifying").at(-1)).toMatchObject({ done: 6, total: 6 });
    expect(progress.filter((e) => e.phase === "importing").at(-1)).toMatchObject({ done: 6, total: 6 });
    const last = events.at(-1)!;
    expect(last).toMatchObject({ type: "done", result: { imagesAdded: 6, boxesAdded: 6 } });
    if (last.type !== "done") throw new Error("no result");
    expect(await env.db.importRun.findUnique({ where: { id: last.result.importRunId } })).not.toBeNull();
  });

  it("ends with the failure the plain answer would give, and nothing is stored", async () => {
    const events = await eventsOf(await streamedImport(Buffer.from("PK but not a zip")));
    expect(events).toEqual([{ type: "failed", status: 422, error: expect.stringContaining("not a readable zip file") }]);
    expect(await env.db.image.count()).toBe(0);
    expect(await readdir(path.join(env.dir, "uploads"))).toEqual([]);
  });

  it("carries an import's findings when nothing could be imported", async () => {
    const zip = await zipOf({ "junk/Annotations/a.xml": "<annotation><object>" });
    const events = await eventsOf(await streamedImport(zip));
    expect(events.at(-1)).toMatchObject({ type: "failed", status: 422, issues: expect.arrayContaining([expect.objectContaining({ file: "Annotations/a.xml" })]) });
  });

  it("finishes and commits the whole import when the client goes away half-way", async () => {
    const response = await streamedImport(await maskZip(8));
    const reader = response.body!.getReader();
    await reader.read();
    await reader.cancel();
    // The import goes on without its reader; the run appears with every image, or not at all.
    await expect.poll(() => env.db.importRun.count(), { timeout: 30_000 }).toBe(1);
    expect(await env.db.image.count()).toBe(8);
    await expect.poll(async () => readdir(path.join(env.dir, "uploads")), { timeout: 10_000 }).toEqual([]);
  });
});

describe("asking for progress", () => {
  it("is an Accept header naming NDJSON", () => {
    const ask = (accept: string) => wantsImportProgress(new Request("http://x", { headers: { accept } }));
    expect(ask("application/x-ndjson")).toBe(true);
    expect(ask("application/json, application/x-ndjson; q=0.9")).toBe(true);
    expect(ask("application/json")).toBe(false);
    expect(ask("*/*")).toBe(false);
  });
});
