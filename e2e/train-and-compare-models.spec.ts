import { expect, test } from "@playwright/test";

test("an ML lead starts a quick training job, watches it, and finds the new model version", async ({ page }) => {
  test.setTimeout(240_000);
  await page.goto("/train");
  const form = page.getByRole("form", { name: "New training job" });
  if (!(await form.isVisible())) await page.getByText("New training job").click();
  await form.getByRole("combobox", { name: "Dataset" }).selectOption({ label: "sample-facemask" });
  await form.getByRole("spinbutton", { name: "Input size (px)" }).fill("128");
  await form.getByRole("spinbutton", { name: "Epochs" }).fill("2");
  await form.getByRole("button", { name: "Start training" }).click();

  // The job page follows the worker: progress, per-epoch metrics, then the registered model.
  await expect(page).toHaveURL(/\/train\/[A-Za-z0-9_-]+$/);
  await expect(page.getByTestId("job-status")).toHaveText(/queued|running/);
  await expect(page.getByTestId("job-log")).toContainText("cached backbone features", { timeout: 120_000 });
  await expect(page.getByTestId("job-status")).toHaveText("succeeded", { timeout: 180_000 });
  await expect(page.getByTestId("job-log")).toContainText(/epoch 2\/2: loss [\d.]+, val mAP50 [\d.]+/);
  await expect(page.getByText("Validation mAP (val split)")).toBeVisible();
  const model = page.getByRole("status").filter({ hasText: "Model version:" });
  await expect(model).toContainText("sample-facemask-mld1s-n v1");

  await model.getByRole("link").click();
  await expect(page.getByRole("heading", { name: "Models", level: 1 })).toBeVisible();
  await expect(page.getByRole("row", { name: /sample-facemask-mld1s-n v1/ })).toContainText("one_stage");
});

test("an ML lead trains the two-stage (Faster R-CNN-style) model from the browser", async ({ page }) => {
  test.setTimeout(240_000);
  await page.goto("/train");
  const form = page.getByRole("form", { name: "New training job" });
  if (!(await form.isVisible())) await page.getByText("New training job").click();
  await form.getByRole("combobox", { name: "Dataset" }).selectOption({ label: "sample-facemask" });
  await form.getByRole("combobox", { name: "Model" }).selectOption({ label: "Two-stage (MLD-2S, Faster R-CNN-style: RPN + ROI-Align)" });
  // The quick CPU preset for two-stage models has its own epochs and a jittered copy cached per image.
  await expect(form.getByRole("spinbutton", { name: "Epochs" })).toHaveValue("12");
  await expect(form.getByRole("spinbutton", { name: "Jittered copies cached per image" })).toHaveValue("1");
  await form.getByRole("spinbutton", { name: "Input size (px)" }).fill("128");
  await form.getByRole("spinbutton", { name: "Epochs" }).fill("1");
  await form.getByRole("button", { name: "Start training" }).click();

  await expect(page).toHaveURL(/\/train\/[A-Za-z0-9_-]+$/);
  await expect(page.getByTestId("job-status")).toHaveText("succeeded", { timeout: 180_000 });
  await expect(page.getByTestId("job-log")).toContainText(/epoch 1\/1: loss [\d.]+, val mAP50 [\d.]+/);
  const model = page.getByRole("status").filter({ hasText: "Model version:" });
  await expect(model).toContainText("sample-facemask-mld2s-n v1");
  await model.getByRole("link").click();
  await expect(page.getByRole("row", { name: /sample-facemask-mld2s-n v1/ })).toContainText("two_stage");
});
