import path from "node:path";
import { expect, test, type Page } from "@playwright/test";
import type { Prisma } from "../generated/prisma/client";
import sharp from "sharp";
import { createDb } from "../lib/server/db";
import { LocalBlobStore } from "../lib/server/storage";
import { csrfHeader, stateFile } from "./support/accounts";

test.use({ storageState: stateFile("annotator") });

interface Detection {
  className: string;
  score: number;
  box: { xmin: number; ymin: number; xmax: number; ymax: number };
}

const iou = (a: Detection["box"], b: Detection["box"]) => {
  const w = Math.max(0, Math.min(a.xmax, b.xmax) - Math.max(a.xmin, b.xmin));
  const h = Math.max(0, Math.min(a.ymax, b.ymax) - Math.max(a.ymin, b.ymin));
  const area = (r: Detection["box"]) => (r.xmax - r.xmin) * (r.ymax - r.ymin);
  return (w * h) / (area(a) + area(b) - w * h);
};

/** The first two images (by name) matching `where` on which the server finds at least `minimum` faces with the model, with that count. */
async function imagesTheModelFinds(page: Page, modelId: string, where: Prisma.ImageWhereInput, minimum: number) {
  const db = createDb(`file:${path.resolve(".e2e-data", "masklab.db")}`);
  const candidates = await db.image.findMany({ where, orderBy: { fileName: "asc" }, take: 20 });
  await db.$disconnect();
  const store = new LocalBlobStore(path.resolve(".e2e-data", "blobs"));
  const usable: Array<{ image: (typeof candidates)[number]; serverCount: number }> = [];
  for (const candidate of candidates) {
    const served = await page.request.post(`/api/v1/predict?model=${modelId}`, { headers: { ...(await csrfHeader(page)), "Content-Type": "image/jpeg" }, data: await store.get(candidate.contentHash) });
    const count = ((await served.json()) as { detections: Detection[] }).detections.length;
    if (count >= minimum) usable.push({ image: candidate, serverCount: count });
    if (usable.length === 2) break;
  }
  expect(usable).toHaveLength(2);
  return usable;
}

/**
 * A model trained earlier in the run (train-and-compare-models.spec.ts), run in the browser's
 * inference worker on a sample photo, must agree with the server on the same image: the same
 * boxes (IoU > 0.95) and scores within 1e-3. This project runs without WebGPU; the
 * chromium-webgpu project runs it again on SwiftShader's WebGPU adapter.
 */
test("the browser runs a trained model on a dropped image and agrees with the server", async ({ page }, testInfo) => {
  test.setTimeout(180_000);
  const db = createDb(`file:${path.resolve(".e2e-data", "masklab.db")}`);
  const model = await db.modelVersion.findFirstOrThrow({ where: { name: { contains: "mld1s" } }, orderBy: { createdAt: "asc" } });
  const image = await db.image.findFirstOrThrow({ where: { dataset: { name: "sample-facemask" }, split: "test", boxCount: { gte: 3 } }, orderBy: { fileName: "asc" } });
  await db.$disconnect();
  // PNG: both decoders give the very same pixels, so any difference is the model's arithmetic.
  const png = await sharp(await new LocalBlobStore(path.resolve(".e2e-data", "blobs")).get(image.contentHash)).png().toBuffer();

  await page.goto("/try");
  await page.getByRole("combobox", { name: "Model" }).selectOption(model.id);
  const backend = page.getByTestId("backend");
  await expect(backend).toHaveText(/^(webgpu|webgl|wasm|cpu)$/, { timeout: 120_000 });
  if (testInfo.project.name === "chromium-webgpu") await expect(backend).toHaveText("webgpu");
  else await expect(backend).not.toHaveText("webgpu");

  await page.getByLabel("Image to detect on").setInputFiles({ name: "photo.png", mimeType: "image/png", buffer: png });
  const table = page.getByRole("table", { name: "Detections in this browser" });
  await expect(table).toBeVisible({ timeout: 120_000 });
  await expect(page.getByTestId("latency")).toHaveText(/^\d+ ms$/);
  const browser = JSON.parse((await table.getAttribute("data-detections"))!) as Detection[];

  const response = await page.request.post(`/api/v1/predict?model=${model.id}`, { headers: { ...(await csrfHeader(page)), "Content-Type": "image/png" }, data: png });
  expect(response.status()).toBe(200);
  const server = ((await response.json()) as { detections: Detection[] }).detections;
  expect(server.length).toBeGreaterThan(0);
  expect(browser).toHaveLength(server.length);
  for (const d of server) {
    const twin = browser.find((b) => b.className === d.className && iou(b.box, d.box) > 0.95);
    expect(twin, `${d.className} ${d.score.toFixed(3)} at ${JSON.stringify(d.box)}`).toBeDefined();
    expect(Math.abs(twin!.score - d.score)).toBeLessThan(1e-3);
  }
});

test("an annotator previews a model in the editor, pre-labels, and accepts suggestions by keyboard", async ({ page }, testInfo) => {
  test.setTimeout(180_000);
  const db = createDb(`file:${path.resolve(".e2e-data", "masklab.db")}`);
  const model = await db.modelVersion.findFirstOrThrow({ where: { name: { contains: "mld1s" } }, orderBy: { createdAt: "asc" } });
  await db.$disconnect();
  // Images the (quickly trained) model finds at least two faces on; a different one per project,
  // so each run starts from its own untouched labels.
  const usable = await imagesTheModelFinds(page, model.id, { dataset: { name: "sample-facemask" }, split: "test", boxCount: { gte: 2 } }, 2);
  const { image, serverCount } = usable[testInfo.project.name === "chromium-webgpu" ? 1 : 0]!;

  // The annotator clears the image's boxes (a real save: the old ones stay in its history).
  const cleared = await page.request.put(`/api/images/${image.id}/annotations`, { headers: await csrfHeader(page), data: { expectedVersion: image.annotationVersion, boxes: [] } });
  expect(cleared.status()).toBe(200);

  await page.goto(`/label/${image.id}`);
  await expect(page.getByTestId("editor-canvas")).toBeVisible();
  await page.getByRole("combobox", { name: "Model version" }).selectOption(model.id);
  await page.locator("body").click({ position: { x: 5, y: 5 } });
  await page.keyboard.press("p");
  const assist = page.getByRole("region", { name: "Model assist" });
  // The preview at the serving threshold (0.25) shows as many detections as the server returns.
  await expect(assist.getByText(/detections at ≥ 0\.25/)).toHaveText(`${serverCount} detections at ≥ 0.25 (dashed; labels untouched)`, { timeout: 120_000 });
  await expect(assist.getByTestId("model-assist-stats")).toContainText(/first inference \d+ ms/);
  await expect(page.getByTestId("box-list").getByRole("listitem")).toHaveCount(0); // preview touches no label

  await page.keyboard.press("Shift+P");
  const suggestions = assist.getByRole("list", { name: "Suggestions" }).getByRole("listitem");
  await expect(suggestions).toHaveCount(serverCount);
  await page.keyboard.press("y"); // accept the surest
  await page.keyboard.press("n"); // reject the next
  await expect(suggestions).toHaveCount(serverCount - 2);
  await expect(page.getByTestId("box-list").getByRole("listitem")).toHaveCount(1);
  await expect(page.getByTestId("box-list")).toContainText("(model)");
  await page.keyboard.press("Shift+Y"); // accept the rest
  await expect(page.getByTestId("box-list").getByRole("listitem")).toHaveCount(serverCount - 1);
  await expect(page.getByTestId("save-status")).toHaveText(/All changes saved/, { timeout: 15_000 });

  // Saved as labels, marked as the model's until someone edits them.
  const stored = (await (await page.request.get(`/api/images/${image.id}/annotations`)).json()) as { set: { boxes: Array<{ source: string }> } };
  expect(stored.set.boxes).toHaveLength(serverCount - 1);
  expect(stored.set.boxes.every((b) => b.source === "model")).toBe(true);
});

test("an annotator pre-labels the unlabeled images of a filter in the background, and they stay unlabeled with the model's boxes", async ({ page }, testInfo) => {
  test.setTimeout(180_000);
  const db = createDb(`file:${path.resolve(".e2e-data", "masklab.db")}`);
  const model = await db.modelVersion.findFirstOrThrow({ where: { name: { contains: "mld1s" } }, orderBy: { createdAt: "asc" } });
  const dataset = await db.dataset.findFirstOrThrow({ where: { name: "sample-facemask" } });
  const usable = await imagesTheModelFinds(page, model.id, { datasetId: dataset.id, split: "val", labelStatus: "labeled", boxCount: { gte: 2 } }, 1);
  const { image, serverCount } = usable[testInfo.project.name === "chromium-webgpu" ? 1 : 0]!;
  // An image back in the queue: unlabeled, no boxes.
  const reset = await page.request.put(`/api/images/${image.id}/annotations`, { headers: await csrfHeader(page), data: { expectedVersion: image.annotationVersion, boxes: [], labelStatus: "unlabeled" } });
  expect(reset.status()).toBe(200);
  const unlabeledEmpty = await db.image.count({ where: { datasetId: dataset.id, split: "val", labelStatus: "unlabeled", boxCount: 0 } });
  await db.$disconnect();

  await page.goto(`/datasets/${dataset.id}?split=val&labelStatus=unlabeled`);
  await page.getByRole("combobox", { name: "Pre-label model" }).selectOption(model.id);
  await page.getByRole("button", { name: "Pre-label unlabeled images" }).click();
  const status = page.getByRole("toolbar", { name: "Pre-label" }).getByRole("status");
  await expect(status).toContainText(/done: \d+ images pre-labelled/, { timeout: 120_000 });
  await expect(status).toContainText(`${unlabeledEmpty} / ${unlabeledEmpty}`);

  const stored = (await (await page.request.get(`/api/images/${image.id}/annotations`)).json()) as { set: { labelStatus: string; boxes: Array<{ source: string }> } };
  expect(stored.set.labelStatus).toBe("unlabeled");
  expect(stored.set.boxes).toHaveLength(serverCount);
  expect(stored.set.boxes.every((b) => b.source === "model")).toBe(true);
  const revisions = (await (await page.request.get(`/api/images/${image.id}/revisions`)).json()) as Array<{ action: string }> | { revisions: Array<{ action: string }> };
  const list = Array.isArray(revisions) ? revisions : revisions.revisions;
  expect(list[0]!.action).toBe("prelabel"); // recoverable: the history has every version before it
});
