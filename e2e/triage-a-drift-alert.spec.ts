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
import { chooseOption } from "./support/controls";

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

  // The navigation counts the unresolved alerts for a reviewer, right beside Monitor.
  await page.goto("/monitor");
  const nav = page.getByRole("navigation", { name: "Main" });
  await expect(nav.getByRole("link", { name: /^Alerts, [1-9]\d* unresolved$/ })).toBeVisible();
  const unresolved = Number(await nav.getByTestId("nav-alert-count").textContent());

  // From the dashboard (per-feature table, charts) to the inbox, filtered to brightness.
  await expect(page.getByRole("table", { name: "Drift per feature" })).toBeVisible();
  const psi = page.getByRole("figure", { name: "PSI per feature over time" });
  await expect(psi).toBeVisible();
  // A report's readings are markers, so even a single report in range shows; thresholds are named in a key, off the plot.
  await expect(psi.locator(".recharts-line-dot").first()).toBeVisible();
  await expect(psi.getByRole("list", { name: "Thresholds" }).getByRole("listitem")).toContainText(["Warning from", "Drift from"]);
  await page.getByRole("link", { name: /Alerts: [1-9]\d* open/ }).click();
  await expect(page).toHaveURL(/\/monitor\/alerts$/);
  await expect(nav.getByRole("link", { name: /^Alerts/ })).toHaveAttribute("aria-current", "page");
  // The inbox opens on the unresolved alerts: as many as the navigation counts.
  await expect(page.getByRole("table", { name: "Drift alerts" }).getByRole("row")).toHaveCount(unresolved + 1);
  await chooseOption(page, page.getByRole("combobox", { name: "Feature" }), "Brightness");
  await page.getByRole("table", { name: "Drift alerts" }).getByRole("link", { name: /Brightness/ }).click();
  await expect(page.getByRole("heading", { name: /Brightness drift/ })).toBeVisible();
  await expect(nav.getByRole("link", { name: /^Alerts/ })).toHaveAttribute("aria-current", "page");

  // Root cause: brightness moved most; the dark band and the lobby camera explain it, the door camera does not.
  await expect(page.getByRole("table", { name: "Features that moved" }).getByRole("row").nth(1)).toContainText("Brightness");
  const slices = page.getByRole("table", { name: "Slices" });
  await expect(slices.getByRole("row").nth(1)).toContainText(/brightness = dark|source = lobby-cam/);
  await expect(slices.getByRole("row").nth(2)).toContainText(/brightness = dark|source = lobby-cam/);
  await expect(page.getByRole("figure", { name: "Brightness: baseline vs window" })).toBeVisible();

  await page.getByRole("button", { name: "Acknowledge" }).click();
  await expect(page.getByLabel("Alert state")).toHaveText("Acknowledged");
  await expect(page.getByRole("list", { name: "Timeline" })).toContainText("acknowledged by");

  // The images come a page at a time, each with the model's boxes drawn over it.
  const farthest = page.getByRole("region", { name: "Farthest from the baseline (embedding distance)" });
  const lowest = page.getByRole("region", { name: "Lowest confidence" });
  const farthestPages = farthest.getByRole("navigation", { name: /pages$/ });
  await expect(farthestPages).toContainText("1–12 of 24 images");
  await expect(farthest.getByRole("checkbox")).toHaveCount(12);
  await expect(farthest.getByRole("img", { name: /^Prediction from (lobby|door)-cam with \d+ box/ })).toHaveCount(12);
  await expect(farthest.locator("svg.thumb-boxes")).toHaveCount(12);
  await farthestPages.getByRole("button", { name: "Next" }).click();
  await expect(farthestPages).toContainText("13–24 of 24 images");
  await farthestPages.getByRole("button", { name: "Previous" }).click();
  await expect(farthestPages).toContainText("1–12 of 24 images");

  // The action bar stays in view wherever the page is scrolled, with the selection's count.
  const bar = page.getByRole("region", { name: "Send to labeling" });
  const count = bar.getByTestId("selection-count");
  await page.evaluate(() => window.scrollTo(0, 0));
  await expect(bar).toBeInViewport();
  await lowest.scrollIntoViewIfNeeded();
  await expect(bar).toBeInViewport();
  await page.getByRole("list", { name: "Timeline" }).scrollIntoViewIfNeeded();
  await expect(bar).toBeInViewport();
  await expect(count).toHaveText(/^0 of \d+ images selected$/);

  // Select all picks every sendable image on every page of both lists; select none clears them.
  await bar.getByRole("button", { name: "Select all" }).click();
  const sendable = Number((await count.textContent())!.match(/of (\d+) images/)![1]);
  expect(sendable).toBeGreaterThanOrEqual(24);
  await expect(count).toHaveText(`${sendable} of ${sendable} images selected`);
  await expect(farthest.getByRole("checkbox", { checked: false })).toHaveCount(0);
  await expect(lowest.getByRole("checkbox", { checked: false })).toHaveCount(0);
  await expect(bar.getByRole("button", { name: `Send ${sendable} images to labeling` })).toBeEnabled();
  await bar.getByRole("button", { name: "Select none" }).click();
  await expect(count).toHaveText(`0 of ${sendable} images selected`);
  await expect(farthest.getByRole("checkbox", { checked: true })).toHaveCount(0);
  await expect(bar.getByRole("button", { name: "Send 0 images to labeling" })).toBeDisabled();

  const boxes = farthest.getByRole("checkbox");
  await boxes.nth(0).check();
  await boxes.nth(1).press("Space");
  await expect(boxes.nth(1)).toBeChecked();
  await expect(count).toHaveText(`2 of ${sendable} images selected`);
  await chooseOption(page, bar.getByRole("combobox", { name: "Dataset to label in" }), "sample-facemask");
  await bar.getByRole("button", { name: "Send 2 images to labeling" }).click();
  await expect(bar.getByRole("status")).toContainText("2 images added");
  await expect(page.getByRole("list", { name: "Timeline" })).toContainText(/sent images to labeling by Reviewer \w+ \(2 images\)/);

  // The loop closes in the labeling queue: the dataset's unlabeled images include them.
  await bar.getByRole("link", { name: "Open the labeling queue" }).click();
  await expect(page).toHaveURL(/labelStatus=unlabeled/);
  await expect(page.getByRole("img", { name: /^production\// })).toHaveCount(2);
});
