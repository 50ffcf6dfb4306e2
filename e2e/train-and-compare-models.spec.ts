import { expect, test } from "@playwright/test";
import sharp from "sharp";
import { csrfHeader } from "./support/accounts";
import { chooseOption } from "./support/controls";

test("an ML lead starts a quick training job, watches it, and finds the new model version", async ({ page }) => {
  test.setTimeout(660_000);
  await page.goto("/train");
  const form = page.getByRole("form", { name: "New training job" });
  if (!(await form.isVisible())) await page.getByText("New training job").click();
  await chooseOption(page, form.getByRole("combobox", { name: "Dataset" }), "sample-facemask");
  // A new job starts from the two-stage detector; this journey times the cheaper one-stage.
  await expect(form.getByRole("combobox", { name: "Model" })).toContainText("Two-stage");
  await chooseOption(page, form.getByRole("combobox", { name: "Model" }), "One-stage (MLD-1S, anchor-free, YOLO-style)");
  await expect(form.getByRole("checkbox", { name: /^Mask judge/ })).toBeChecked();
  await form.getByRole("spinbutton", { name: "Training input size (px)" }).fill("128");
  await form.getByRole("spinbutton", { name: "Epochs" }).fill("2");
  // Kept at its training size: a weak two-epoch model makes many finds at a larger one, each judged twice.
  await form.getByRole("checkbox", { name: /^Larger detection sizes/ }).click();
  await expect(form.getByRole("checkbox", { name: /^Larger detection sizes/ })).not.toBeChecked();
  await form.getByRole("button", { name: "Start training" }).click();

  // The job page follows the worker: progress, per-epoch metrics, then the registered model.
  await expect(page).toHaveURL(/\/train\/[A-Za-z0-9_-]+$/);
  await expect(page.getByTestId("job-status")).toHaveText(/Queued|Running/);
  await expect(page.getByTestId("job-log")).toContainText("cached backbone features", { timeout: 120_000 });
  // After the detector, the mask judge trains on the faces of the train split (a phase of its own).
  await expect(page.getByTestId("job-log")).toContainText("Training the mask judge", { timeout: 180_000 });
  // The judge reads every training photo's faces twice and the evaluation judges the test split: about 6 minutes on 2 cores.
  await expect(page.getByTestId("job-status")).toHaveText("Succeeded", { timeout: 480_000 });
  await expect(page.getByTestId("job-log")).toContainText(/epoch 2\/2: loss [\d.]+, val mAP50 [\d.]+/);
  await expect(page.getByTestId("job-log")).toContainText(/detects at 128 px \(trained at 128\); val mAP50 128 px \d\.\d{3}(?!, 192)/);
  await expect(page.getByTestId("job-log")).toContainText(/mask judge trained on [\d,]+ face crops \(with [\d,]+ of the detector's finds, [\d,]+ of them false(; [\d,]+ of [\d,]+ training images read in the time left)?; [\d.]+ faces a training photo to judge, \d+ ms a crop\) in \d+ s; val mAP50 [\d.]+ with the detector's classes, [\d.]+ with the judge's/);
  await expect(page.getByText("Validation mAP (val split)")).toBeVisible();
  const model = page.getByRole("status").filter({ hasText: "Model version:" });
  await expect(model).toContainText("sample-facemask-mld1s-n v1");

  await model.getByRole("link").click();
  await expect(page.getByRole("heading", { name: "Models", level: 1 })).toBeVisible();
  await expect(page.getByRole("row", { name: /sample-facemask-mld1s-n v1/ })).toContainText("one_stage");

  // The jobs list gives the job's duration, its model (a link) and the model's test mAP50.
  await page.goto("/train");
  const jobRow = page.getByRole("table", { name: "Training jobs" }).getByRole("row").filter({ has: page.getByRole("link", { name: "sample-facemask-mld1s-n v1" }) });
  await expect(jobRow).toContainText(/Succeeded.*\d+ (s|min)/);
  await expect(jobRow.getByRole("cell").last()).toHaveText(/^[01]\.\d{3}$/);
});

test("an ML lead trains the two-stage (Faster R-CNN-style) model from the browser", async ({ page }) => {
  test.setTimeout(240_000);
  await page.goto("/train");
  const form = page.getByRole("form", { name: "New training job" });
  if (!(await form.isVisible())) await page.getByText("New training job").click();
  await chooseOption(page, form.getByRole("combobox", { name: "Dataset" }), "sample-facemask");
  await chooseOption(page, form.getByRole("combobox", { name: "Model" }), "Two-stage (MLD-2S, Faster R-CNN-style: RPN + ROI-Align)");
  // The quick CPU preset for two-stage models has its own epochs and a jittered copy cached per image.
  await expect(form.getByRole("spinbutton", { name: "Epochs" })).toHaveValue("12");
  await expect(form.getByRole("spinbutton", { name: "Jittered copies cached per image" })).toHaveValue("1");
  await form.getByRole("spinbutton", { name: "Training input size (px)" }).fill("128");
  await form.getByRole("spinbutton", { name: "Epochs" }).fill("1");
  // Without the mask judge: the detector's own classes, and a shorter job.
  await form.getByRole("checkbox", { name: /^Mask judge/ }).click();
  await expect(form.getByRole("checkbox", { name: /^Mask judge/ })).not.toBeChecked();
  await expect(form.getByRole("checkbox", { name: /^Larger detection sizes/ })).toBeChecked();
  await form.getByRole("button", { name: "Start training" }).click();

  await expect(page).toHaveURL(/\/train\/[A-Za-z0-9_-]+$/);
  await expect(page.getByTestId("job-status")).toHaveText("Succeeded", { timeout: 180_000 });
  await expect(page.getByTestId("job-log")).toContainText(/epoch 1\/1: loss [\d.]+, val mAP50 [\d.]+/);
  await expect(page.getByTestId("job-log")).not.toContainText("mask judge");
  // Larger detection sizes are on by default: trained at 128 px, it detects at whichever of 128, 192 and 256 px did best on val.
  await expect(page.getByTestId("job-log")).toContainText(/detects at (128|192|256) px \(trained at 128\); val mAP50 128 px [\d.]+, 192 px [\d.]+, 256 px [\d.]+/);
  const model = page.getByRole("status").filter({ hasText: "Model version:" });
  await expect(model).toContainText("sample-facemask-mld2s-n v1");
  await model.getByRole("link").click();
  await expect(page.getByRole("row", { name: /sample-facemask-mld2s-n v1/ })).toContainText("two_stage");
});

// Runs after the two tests above (one file runs in order): both models are trained and scored on the test split.
test("an ML lead compares the two models, moves the confidence slider, opens a false positive in the editor, sends a label issue to review, and promotes one", async ({ page }) => {
  test.setTimeout(120_000);
  await page.goto("/models");
  // Only the test split's figures (models registered without an evaluation drop out).
  await chooseOption(page, page.getByRole("combobox", { name: "Split" }), "Test");
  await expect(page).toHaveURL(/\/models\?split=test$/);
  const table = page.getByRole("table", { name: "Model benchmark" });
  const one = table.getByRole("row", { name: /sample-facemask-mld1s-n v1/ });
  const two = table.getByRole("row", { name: /sample-facemask-mld2s-n v1/ });
  await expect(one).toContainText("one_stage");
  await expect(two).toContainText("two_stage");
  // The one-stage model trained a mask judge (kept or left out on val); the two-stage one none.
  const judgeColumn = (await table.getByRole("columnheader").allTextContents()).findIndex((text) => text.startsWith("Mask judge"));
  expect(judgeColumn).toBeGreaterThan(0);
  // Cells in header order: the model's is a row header (th), the rest are td.
  await expect(one.locator("th, td").nth(judgeColumn)).toHaveText(/^(on|left out)$/);
  await expect(two.locator("th, td").nth(judgeColumn)).toHaveText("–");

  // Sorting by mAP50 puts the higher one first, and clicking again reverses it.
  const header = table.getByRole("columnheader", { name: "mAP50", exact: true });
  await header.getByRole("button").click();
  await expect(header).toHaveAttribute("aria-sort", "descending");
  const mAP50Column = await table.getByRole("columnheader").allTextContents();
  const index = mAP50Column.findIndex((text) => text.startsWith("mAP50") && !text.startsWith("mAP50-95"));
  const rows = await table.locator("tbody tr").all();
  const descending = await Promise.all(rows.map(async (row) => parseFloat((await row.locator("th, td").nth(index).textContent())!)));
  expect(descending).toEqual([...descending].sort((a, b) => b - a));
  await header.getByRole("button").click();
  await expect(header).toHaveAttribute("aria-sort", "ascending");

  // Both ticked by default: their precision-recall curves are overlaid, one legend entry each.
  const curves = page.getByRole("region", { name: "Model comparison curves" });
  await expect(curves.getByText("Precision–recall, With mask")).toBeVisible();
  await expect(curves.locator(".recharts-legend-item-text", { hasText: "sample-facemask-mld2s-n v1" }).first()).toBeVisible();

  // The CSV export is the table as shown.
  const downloading = page.waitForEvent("download");
  await page.getByRole("button", { name: "Export CSV" }).click();
  const csv = await (await (await downloading).createReadStream()).toArray();
  const lines = Buffer.concat(csv).toString("utf8").trim().split(/\r?\n/);
  expect(lines[0]).toMatch(/^Model,Kind,Stage,mAP50,mAP50-95,Mask judge,/);
  expect(lines.slice(1).map((l) => l.split(",")[0]).sort()).toEqual(["sample-facemask-mld1s-n v1", "sample-facemask-mld2s-n v1"]);

  // The evaluation page recomputes at the slider's confidence: at 0 every kept detection counts.
  await one.getByRole("link", { name: "sample-facemask-mld1s-n v1" }).click();
  await expect(page.getByRole("heading", { level: 1 })).toContainText("sample-facemask-mld1s-n v1");
  const evaluationUrl = page.url();
  const slider = page.getByRole("slider", { name: "Confidence threshold" });
  await expect(page.getByTestId("confidence-value")).toHaveText("0.25");
  const confusion = page.getByRole("table", { name: "Confusion matrix" });
  const predictedAt = async () => (await confusion.locator("td.cell").allTextContents()).map(Number);
  const before = await predictedAt();
  await slider.focus();
  await page.keyboard.press("Home");
  await expect(page.getByTestId("confidence-value")).toHaveText("0.00");
  await expect.poll(async () => (await predictedAt()).reduce((a, b) => a + b, 0)).toBeGreaterThan(before.reduce((a, b) => a + b, 0));
  await expect(page.getByText("are at confidence 0.00")).toBeVisible();

  // The error browser shares the confidence; a false positive opens in the editor.
  await page.getByRole("link", { name: "Error browser" }).click();
  await expect(page).toHaveURL(/\/errors\?conf=0\.00$/);
  await expect(page.getByRole("combobox", { name: "Show" })).toHaveText(/False positives/);
  const card = page.getByTestId("error-card").first();
  await expect(card).toContainText("false positive");
  const fileName = (await card.locator(".small").first().textContent())!;
  await card.getByRole("link", { name: "Open in editor" }).click();
  await expect(page).toHaveURL(/\/label\/[A-Za-z0-9_-]+\?split=test$/);
  await expect(page.getByText(fileName).first()).toBeVisible();

  // Label issues: at a low score floor the young model contradicts some labels; a ticked image
  // goes to the review queue with the finder's reasons as a review comment.
  await page.goto(`${evaluationUrl}/label-issues`);
  await page.getByRole("spinbutton", { name: "Score floor" }).fill("0.05");
  await expect(page.getByTestId("issue-count")).not.toHaveText(/^0 images/);
  const flagged = page.getByTestId("issue-card").first();
  await flagged.getByRole("checkbox").check();
  await page.getByRole("button", { name: "Send 1 to the review queue" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Sent 1 image" })).toContainText("Sent 1 image to the review queue");
  await flagged.getByRole("link", { name: "Open in editor" }).click();
  await expect(page.getByTestId("comments")).toContainText("Label-issue finder (sample-facemask-mld1s-n v1, test split): ");

  // Promote the one-stage model, then the two-stage one, then roll back.
  await page.goto("/models");
  // Each asks first and says what will change.
  await page.getByRole("button", { name: "Promote sample-facemask-mld1s-n v1" }).click();
  const confirm = page.getByRole("alertdialog");
  await expect(confirm).toContainText("sample-facemask-mld1s-n v1 will answer the prediction API");
  await confirm.getByRole("button", { name: "Cancel" }).click();
  await expect(confirm).toHaveCount(0);
  await page.getByRole("button", { name: "Promote sample-facemask-mld1s-n v1" }).click();
  await confirm.getByRole("button", { name: "Promote" }).click();
  await expect(page.getByTestId("production-model")).toHaveText("sample-facemask-mld1s-n v1");
  await page.getByRole("button", { name: "Promote sample-facemask-mld2s-n v1" }).click();
  await expect(confirm).toContainText("sample-facemask-mld1s-n v1 stops serving and becomes a candidate");
  await confirm.getByRole("button", { name: "Promote" }).click();
  await expect(page.getByTestId("production-model")).toHaveText("sample-facemask-mld2s-n v1", { timeout: 30_000 });
  await expect(page.getByRole("row", { name: /sample-facemask-mld1s-n v1/ }).first()).toContainText("Candidate");
  await page.getByRole("button", { name: "Roll back" }).click();
  await expect(confirm).toContainText("sample-facemask-mld1s-n v1, the version it replaced");
  await confirm.getByRole("button", { name: "Roll back" }).click();
  // The in-process monitor may be building the promoted model's baseline (judged inference on the
  // test photos) and holds the server's one thread meanwhile: the answer can take seconds.
  await expect(page.getByTestId("production-model")).toHaveText("sample-facemask-mld1s-n v1", { timeout: 30_000 });
  // Newest first, with who did it (other specs may have promoted models before).
  const history = page.getByRole("table", { name: "Promotion history" }).getByRole("row");
  await expect(history.nth(1)).toContainText("ML lead Person");
  await expect(history.nth(1)).toContainText("rolled back to sample-facemask-mld1s-n v1 (replacing sample-facemask-mld2s-n v1)");
  await expect(history.nth(2)).toContainText("promoted sample-facemask-mld2s-n v1 (replacing sample-facemask-mld1s-n v1)");
  await expect(history.nth(3)).toContainText("promoted sample-facemask-mld1s-n v1");

  // The model in production serves: a photo through the prediction API, boxes in its own pixels.
  const photo = await sharp({ create: { width: 320, height: 240, channels: 3, background: "#9a8878" } }).jpeg().toBuffer();
  const served = await page.request.post("/api/v1/predict?source=e2e", { headers: { ...(await csrfHeader(page)), "Content-Type": "image/jpeg" }, data: photo });
  expect(served.status()).toBe(200);
  const answer = await served.json();
  expect(answer).toMatchObject({ model: { name: "sample-facemask-mld1s-n", version: 1 }, image: { width: 320, height: 240 } });
  expect(Array.isArray(answer.detections)).toBe(true);
});
