import path from "node:path";
import { expect, test, type Page } from "@playwright/test";
import sharp from "sharp";
import yauzl from "yauzl";
import { yoloGraph } from "../lib/detection/onnx/test-graphs";
import { createDb } from "../lib/server/platform/db";
import { csrfHeader } from "./support/accounts";
import { chooseOption } from "./support/controls";

/**
 * Bring your own model (issue 21): models trained elsewhere are judged, served, run in the
 * browser and monitored like Masklab's own. Named to run last (so in-app models sit beside them
 * in the table, and the specs that open "the first evaluated model" find a trained one) and rolls
 * production back when done, as it found it.
 */

interface Detection {
  className: string;
  score: number;
  box: { xmin: number; ymin: number; xmax: number; ymax: number };
}

const ONNX_MODEL = "e2e-yolo11-export";
// An Ultralytics YOLOv8/11-signature graph (64-px input, 3 classes) whose two candidates are
// constants, in input pixels: (cx, cy, w, h, then the class scores).
const YOLO_CANDIDATES = [
  [32, 32, 20, 10, 0.9, 0.1, 0.05],
  [20, 24, 4, 4, 0.02, 0.8, 0.01],
];
// On a 128×64 image the letterbox scales by 0.5 and pads 16 px above: (22, 27)–(42, 37) → (44, 22)–(84, 42); (18, 22)–(22, 26) → (36, 12)–(44, 20).
const EXPECTED: Detection[] = [
  { className: "with_mask", score: 0.9, box: { xmin: 44, ymin: 22, xmax: 84, ymax: 42 } },
  { className: "without_mask", score: 0.8, box: { xmin: 36, ymin: 12, xmax: 44, ymax: 20 } },
];

const photo = () => sharp({ create: { width: 128, height: 64, channels: 3, background: { r: 90, g: 120, b: 150 } } }).png().toBuffer();

function expectSameDetections(actual: Detection[], expected: Detection[], what: string) {
  expect(actual, what).toHaveLength(expected.length);
  for (const [i, d] of expected.entries()) {
    expect(actual[i]!.className, what).toBe(d.className);
    expect(Math.abs(actual[i]!.score - d.score), what).toBeLessThan(1e-4);
    for (const side of ["xmin", "ymin", "xmax", "ymax"] as const) expect(Math.abs(actual[i]!.box[side] - d.box[side]), `${what}: ${side}`).toBeLessThan(0.5);
  }
}

async function servedDetections(page: Page, png: Buffer, model?: string): Promise<{ detections: Detection[]; model: { id: string; name: string } }> {
  const response = await page.request.post(`/api/v1/predict${model ? `?model=${model}` : ""}`, { headers: { ...(await csrfHeader(page)), "Content-Type": "image/png" }, data: png });
  expect(response.status(), await response.text()).toBe(200);
  return response.json();
}

/** Runs the chosen model on the Try page twice (the first compiles), returning what the browser found and how fast. */
async function detectInBrowser(page: Page, png: Buffer): Promise<{ detections: Detection[]; latency: string; backend: string; reason: string }> {
  const stats = page.locator('dl[aria-label="In-browser inference"]');
  await expect(page.getByTestId("backend")).toHaveText(/^(webgpu|webgl|wasm|cpu)$/, { timeout: 120_000 });
  const before = Number(await stats.getAttribute("data-runs"));
  for (const attempt of [1, 2]) {
    await page.getByLabel("Image to detect on").setInputFiles({ name: "photo.png", mimeType: "image/png", buffer: png });
    await expect(stats).toHaveAttribute("data-runs", String(before + attempt), { timeout: 120_000 });
  }
  // No table when the model found nothing: the page says so instead.
  const table = page.getByRole("table", { name: "Detections in this browser" });
  const found = (await table.count()) > 0;
  if (!found) await expect(page.getByTestId("no-detections")).toBeVisible();
  return {
    detections: found ? (JSON.parse((await table.getAttribute("data-detections"))!) as Detection[]) : [],
    latency: (await page.getByTestId("latency").textContent())!,
    backend: (await page.getByTestId("backend").textContent())!,
    reason: (await page.getByTestId("backend-reason").textContent())!,
  };
}

/** annotations.json of a COCO export zip, read in memory. */
function cocoAnnotationsOf(zip: Buffer): Promise<{ images: Array<{ id: number; file_name: string }>; annotations: Array<{ image_id: number; category_id: number; bbox: number[] }> }> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(zip, { lazyEntries: true }, (error, archive) => {
      if (error) return reject(error);
      archive.on("entry", (entry: yauzl.Entry) => {
        if (entry.fileName !== "annotations.json") return archive.readEntry();
        archive.openReadStream(entry, (streamError, stream) => {
          if (streamError) return reject(streamError);
          const chunks: Buffer[] = [];
          stream.on("data", (chunk: Buffer) => chunks.push(chunk));
          stream.on("end", () => resolve(JSON.parse(Buffer.concat(chunks).toString("utf8"))));
        });
      });
      archive.on("end", () => reject(new Error("the export has no annotations.json")));
      archive.readEntry();
    });
  });
}

test("an ML lead uploads a COCO results file and sees it in the benchmark table", async ({ page }, testInfo) => {
  test.skip(testInfo.project.name === "chromium-webgpu", "the WebGPU project reruns only the in-browser part");
  test.setTimeout(120_000);
  const { datasets } = (await (await page.request.get("/api/datasets")).json()) as { datasets: Array<{ id: string; name: string }> };
  const dataset = datasets.find((d) => d.name === "sample-facemask")!;

  // The predictions a model trained elsewhere would make on the test split: here, the test
  // split's own boxes from Masklab's COCO export (its image ids and category ids), shifted by
  // nothing, so the figures must be perfect.
  const exported = await page.request.get(`/api/datasets/${dataset.id}/export?format=coco&split=test`);
  expect(exported.ok()).toBe(true);
  const coco = await cocoAnnotationsOf(await exported.body());
  const results = coco.annotations.map((a) => ({ image_id: a.image_id, category_id: a.category_id, bbox: a.bbox, score: 0.9 }));
  expect(results.length).toBeGreaterThan(0);

  await page.goto(`/datasets/${dataset.id}`);
  await page.getByRole("navigation", { name: "Dataset" }).getByRole("link", { name: "Evaluate predictions" }).click();
  const form = page.getByRole("form", { name: "Evaluate predictions from elsewhere" });
  await form.getByTestId("results-input").setInputFiles({ name: "predictions.json", mimeType: "application/json", buffer: Buffer.from(JSON.stringify(results)) });
  await form.getByRole("textbox", { name: "Model name" }).fill("e2e-yolo11s-run7");
  await form.getByRole("textbox", { name: "Source (optional)" }).fill("Ultralytics on the GPU box, run 7");
  await chooseOption(page, form.getByRole("combobox", { name: "Split the predictions were made on" }), /^Test/);
  // By default category ids are the export's categories, which the form lists.
  await expect(form.getByRole("list", { name: "Export categories" })).toContainText("1 → ");
  await form.getByRole("button", { name: "Evaluate" }).click();

  const done = form.getByRole("status");
  await expect(done).toContainText("e2e-yolo11s-run7 v1", { timeout: 60_000 });
  await expect(done).toContainText("mAP50 1.000");

  // The benchmark table lists it as an external model, with its source, and offers no Promote.
  await done.getByRole("link", { name: "See it in the benchmark table" }).click();
  const row = page.getByRole("table", { name: "Model benchmark" }).getByRole("row", { name: /e2e-yolo11s-run7 v1/ });
  await expect(row).toContainText("External");
  await expect(row).toContainText("Ultralytics on the GPU box, run 7");
  await expect(row).toContainText("results only");
  await expect(row.getByRole("button", { name: /Promote/ })).toHaveCount(0);

  // Its evaluation page has everything an in-app evaluation has.
  await row.getByRole("link", { name: "e2e-yolo11s-run7 v1" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toContainText("e2e-yolo11s-run7 v1");
  const views = page.getByRole("navigation", { name: "Evaluation views" });
  await views.getByRole("link", { name: "Error browser" }).click();
  await expect(page).toHaveURL(/\/errors/);
  await views.getByRole("link", { name: "Label issues" }).click();
  await expect(page).toHaveURL(/\/label-issues/);
  await expect(page.getByRole("heading", { level: 1 })).toContainText("e2e-yolo11s-run7 v1");
});

test("an ML lead uploads a YOLO export, promotes it, serves it, runs it in the browser and watches its drift", async ({ page }, testInfo) => {
  test.skip(testInfo.project.name === "chromium-webgpu", "the WebGPU project reruns only the in-browser part");
  test.setTimeout(420_000);
  const png = await photo();

  // Upload: verified (shapes, class count, a test inference) before it is registered.
  await page.goto("/models");
  const servingBefore = (await page.getByTestId("production-model").textContent())?.trim();
  await page.locator("summary", { hasText: "Bring an ONNX model" }).click();
  const form = page.getByRole("form", { name: "Bring an ONNX model" });
  await form.getByTestId("onnx-input").setInputFiles({ name: "best.onnx", mimeType: "application/octet-stream", buffer: Buffer.from(yoloGraph({ inputSize: 64, numClasses: 3, candidates: YOLO_CANDIDATES })) });
  await form.getByRole("textbox", { name: /Model name/ }).fill(ONNX_MODEL);
  await form.getByRole("button", { name: "Upload and verify" }).click();
  await expect(form.getByRole("status")).toContainText(`${ONNX_MODEL} v1`, { timeout: 60_000 });
  await expect(form.getByRole("status")).toContainText("opset 17");

  // The benchmark table: the ONNX model and the results file beside the models trained here.
  const table = page.getByRole("table", { name: "Model benchmark" });
  const row = table.getByRole("row", { name: new RegExp(`${ONNX_MODEL} v1`) });
  await expect(row).toBeVisible();
  await expect(table.getByRole("row", { name: /e2e-yolo11s-run7 v1/ })).toContainText("External");
  const inApp = await table.getByRole("row", { name: /sample-facemask-mld/ }).count();
  console.log(`benchmark table: ${ONNX_MODEL} v1 and e2e-yolo11s-run7 v1 beside ${inApp} in-app model row(s)`);

  // Promote: the dialog asks first.
  await row.getByRole("button", { name: `Promote ${ONNX_MODEL} v1` }).click();
  await page.getByRole("alertdialog").getByRole("button", { name: "Promote" }).click();
  await expect(page.getByTestId("production-model")).toHaveText(`${ONNX_MODEL} v1`);

  // Serve: the production model answers with the hand-computed boxes.
  const served = await servedDetections(page, png);
  expect(served.model.name).toBe(ONNX_MODEL);
  expectSameDetections(served.detections, EXPECTED, "server");
  for (let i = 0; i < 4; i++) await servedDetections(page, png);

  // In the browser: onnxruntime-web (wasm here: no WebGPU in this project) finds the same boxes.
  await page.goto("/try");
  await chooseOption(page, page.getByRole("combobox", { name: "Model" }), `${ONNX_MODEL} v1 · ONNX (production)`);
  const onnx = await detectInBrowser(page, png);
  await expect(page.getByTestId("runtime")).toHaveText("onnxruntime-web");
  expect(onnx.backend).toBe("wasm");
  expectSameDetections(onnx.detections, served.detections, "browser vs server");
  console.log(`browser latency, ONNX test graph (64 px, a few ops) on onnxruntime-web ${onnx.backend}: ${onnx.latency} (${onnx.reason})`);
  const db = createDb(`file:${path.resolve(".e2e-data", "masklab.db")}`);
  const trained = await db.modelVersion.findFirst({ where: { format: "tfjs", name: { contains: "mld1s" } }, orderBy: { createdAt: "asc" } });
  await db.$disconnect();
  if (trained) {
    await chooseOption(page, page.getByRole("combobox", { name: "Model" }), new RegExp(`^${trained.name} v${trained.version}( \\(production\\))?$`));
    const tfjs = await detectInBrowser(page, png);
    await expect(page.getByTestId("runtime")).toHaveText("tfjs");
    console.log(`browser latency, ${trained.name} v${trained.version} (${trained.inputSize} px, ${trained.parameterCount} parameters) on TF.js ${tfjs.backend}: ${tfjs.latency}`);
  }

  // Drift: the monitor (its own process) builds the ONNX model's baseline from the validation and
  // test images within a tick of the promotion, and judges the window of the predictions above.
  let dashboard: { production: { name: string } | null; baseline: { predictionCount: number } | null; latest: { predictionCount: number; status: string } | null } | null = null;
  await expect
    .poll(
      async () => {
        dashboard = await (await page.request.get("/api/monitoring")).json();
        return dashboard!.production?.name === ONNX_MODEL && dashboard!.baseline !== null && dashboard!.latest !== null;
      },
      { timeout: 240_000, intervals: [5_000] },
    )
    .toBe(true);
  const seen = dashboard!;
  expect(seen.baseline!.predictionCount).toBeGreaterThan(0);
  expect(seen.latest!.predictionCount).toBeGreaterThanOrEqual(5);
  console.log(`monitor: baseline of ${seen.baseline!.predictionCount} images, window of ${seen.latest!.predictionCount} predictions (${seen.latest!.status})`);
  await page.goto("/monitor");
  await expect(page.getByText(`${ONNX_MODEL} v1`, { exact: true })).toBeVisible();
  await expect(page.getByText(/Baseline: its .+ predictions/)).toBeVisible();

  // As found: the specs after this one expect the production model they left.
  if (servingBefore && servingBefore !== "no model") {
    const rolledBack = await page.request.post("/api/models/rollback", { headers: await csrfHeader(page) });
    expect(rolledBack.status(), await rolledBack.text()).toBe(200);
  }
});

/**
 * With WebGPU on (SwiftShader, a software adapter), `auto` must not take it: onnxruntime-web runs
 * on wasm and says why. Set explicitly, its WebGPU execution provider runs (or, where it cannot,
 * falls back to wasm and says so); either way the boxes are the server's.
 */
test("the ONNX model runs in the browser with WebGPU on: auto keeps off the software adapter", async ({ page }, testInfo) => {
  test.skip(testInfo.project.name !== "chromium-webgpu", "needs WebGPU: the chromium-webgpu project");
  test.setTimeout(240_000);
  const png = await photo();
  const db = createDb(`file:${path.resolve(".e2e-data", "masklab.db")}`);
  const model = await db.modelVersion.findFirstOrThrow({ where: { name: ONNX_MODEL, format: "onnx" } });
  await db.$disconnect();
  const served = await servedDetections(page, png, model.id);
  expectSameDetections(served.detections, EXPECTED, "server");

  await page.goto("/try");
  await chooseOption(page, page.getByRole("combobox", { name: "Model" }), new RegExp(`^${ONNX_MODEL} v1 · ONNX( \\(production\\))?$`));
  const auto = await detectInBrowser(page, png);
  expect(auto.backend).toBe("wasm");
  expect(auto.reason).toMatch(/^auto: wasm — /);
  expect(auto.reason).toContain("webgpu skipped: software adapter (SwiftShader)");
  expectSameDetections(auto.detections, served.detections, "auto");

  await chooseOption(page, page.getByRole("combobox", { name: "Backend" }), "webgpu");
  await expect(page.getByTestId("backend-reason")).not.toHaveText(auto.reason, { timeout: 120_000 });
  const gpu = await detectInBrowser(page, png);
  console.log(`webgpu as set → ${gpu.backend}: ${gpu.latency} (${gpu.reason}); auto → wasm: ${auto.latency}`);
  expect(gpu.backend).toMatch(/^(webgpu|wasm)$/);
  expectSameDetections(gpu.detections, served.detections, "webgpu as set");
});
