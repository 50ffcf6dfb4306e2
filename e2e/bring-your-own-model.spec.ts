import { expect, test } from "@playwright/test";
import yauzl from "yauzl";
import { chooseOption } from "./support/controls";

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

test("an ML lead uploads a COCO results file and sees it in the benchmark table", async ({ page }) => {
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
