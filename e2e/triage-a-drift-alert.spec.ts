import path from "node:path";
import { expect, test } from "@playwright/test";
import { createDb } from "../lib/server/platform/db";
import { promoteModelVersion } from "../lib/server/models/model-registry";
import { buildWindowBaseline } from "../lib/server/monitoring/baselines";
import { computeDriftReport } from "../lib/server/monitoring/drift-reports";
import { replayImages, shiftedStream } from "../lib/server/monitoring/simulate";
import { ModelServer } from "../lib/server/serving/model-server";
import { predictImage } from "../lib/server/serving/predict";
import { epochMinute } from "../lib/server/serving/prediction-log";
import { LocalBlobStore } from "../lib/server/platform/storage";
import { registerServedModel } from "../lib/server/testing/served-model";
import { stateFile } from "./support/accounts";

test.use({ storageState: stateFile("reviewer") });

/**
 * Set-up (in this process, on the app's own database and files): a model in production, two hours
 * of logged traffic three hours ago — normal from the door camera, then the lobby camera turning
 * dark — a baseline from the normal hour and the scheduled report that raises the alert. The
 * reviewer's part is all in the browser.
 */
test("a reviewer opens a drift alert, sees its root cause, acknowledges it and sends its images to labeling", async ({ page }) => {
  test.setTimeout(240_000);
  const db = createDb(`file:${path.resolve(".e2e-data", "masklab.db")}`);
  const store = new LocalBlobStore(path.resolve(".e2e-data", "blobs"));
  const dataset = await db.dataset.findFirstOrThrow({ where: { name: "sample-facemask" } });
  const model = await registerServedModel(dataset.id, { store, db });
  await promoteModelVersion(model.id, { db });
  const server = new ModelServer({ store, db }, { productionTtlMs: 0 });
  const images = await replayImages("sample-facemask", { store, db }, 240);
  const normal = shiftedStream(images, "none");
  const dark = shiftedStream(images, "dark");
  const hour0 = Math.floor(Date.now() / 3_600_000) * 3_600_000 - 3 * 3_600_000;
  const at = (hour: number, i: number, n: number) => new Date(hour0 + hour * 3_600_000 + Math.floor((i * 3_600_000) / n));
  for (let i = 0; i < 220; i++) await predictImage(await normal.pick(i), { source: "door-cam", at: at(0, i, 220) }, { server, store, db });
  for (let i = 0; i < 240; i++) {
    const lobby = i % 2 === 0;
    await predictImage(await (lobby ? dark : normal).pick(i + 7), { source: lobby ? "lobby-cam" : "door-cam", keepImage: true, at: at(1, i, 240) }, { server, store, db });
  }
  const minute = (hour: number) => epochMinute(new Date(hour0 + hour * 3_600_000));
  const baseline = await buildWindowBaseline({ modelVersionId: model.id, startMinute: minute(0), endMinute: minute(1) }, {}, db);
  const report = await computeDriftReport(baseline, { startMinute: minute(1), endMinute: minute(2) }, "scheduled", db);
  expect(report.alertsRaised).toBeGreaterThan(0);
  await db.$disconnect();

  // From the dashboard (per-feature table, charts) to the inbox, filtered to brightness.
  await page.goto("/monitor");
  await expect(page.getByRole("table", { name: "Drift per feature" })).toBeVisible();
  await expect(page.getByRole("figure", { name: "PSI per feature over time" })).toBeVisible();
  await page.getByRole("link", { name: /Alerts: [1-9]\d* open/ }).click();
  await expect(page).toHaveURL(/\/monitor\/alerts$/);
  await page.getByRole("combobox", { name: "Feature" }).selectOption("brightness");
  await page.getByRole("table", { name: "Drift alerts" }).getByRole("link", { name: /Brightness/ }).click();
  await expect(page.getByRole("heading", { name: /Brightness drift/ })).toBeVisible();

  // Root cause: brightness moved most; the dark band and the lobby camera explain it, the door camera does not.
  await expect(page.getByRole("table", { name: "Features that moved" }).getByRole("row").nth(1)).toContainText("Brightness");
  const slices = page.getByRole("table", { name: "Slices" });
  await expect(slices.getByRole("row").nth(1)).toContainText(/brightness = dark|source = lobby-cam/);
  await expect(slices.getByRole("row").nth(2)).toContainText(/brightness = dark|source = lobby-cam/);
  await expect(page.getByRole("figure", { name: "Brightness: baseline vs window" })).toBeVisible();

  await page.getByRole("button", { name: "Acknowledge" }).click();
  await expect(page.getByLabel("Alert state")).toHaveText("acknowledged");
  await expect(page.getByRole("list", { name: "Timeline" })).toContainText("acknowledged by");

  const farthest = page.getByRole("region", { name: "Farthest from the baseline (embedding distance)" });
  const boxes = farthest.getByRole("checkbox");
  await boxes.nth(0).check();
  await boxes.nth(1).press("Space");
  await expect(boxes.nth(1)).toBeChecked();
  await page.getByRole("combobox", { name: "Dataset to label in" }).selectOption({ label: "sample-facemask" });
  await page.getByRole("button", { name: "Send 2 to labeling" }).click();
  const sending = page.getByRole("region", { name: "Send to labeling" });
  await expect(sending.getByRole("status")).toContainText("2 images added");
  await expect(page.getByRole("list", { name: "Timeline" })).toContainText(/sent images to labeling by Reviewer \w+ \(2 images\)/);

  // The loop closes in the labeling queue: the dataset's unlabeled images include them.
  await sending.getByRole("link", { name: "Open the labeling queue" }).click();
  await expect(page).toHaveURL(/labelStatus=unlabeled/);
  await expect(page.getByRole("img", { name: /^production\// })).toHaveCount(2);
});
