import { randomBytes } from "node:crypto";
import { expect, test, type Page } from "@playwright/test";
import sharp from "sharp";
import yazl from "yazl";
import { chooseOption } from "./support/controls";

/**
 * A VOC zip whose upload takes a few seconds under the throttle below (four photos of noise, which
 * no zip can shrink) and whose import takes a moment (forty small labelled images).
 */
async function slowZip(): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  const xml = (file: string) =>
    `<annotation><filename>${file}</filename><object><name>with_mask</name><bndbox><xmin>4</xmin><ymin>4</ymin><xmax>40</xmax><ymax>40</ymax></bndbox></object></annotation>`;
  for (let i = 0; i < 4; i++) {
    const noise = await sharp(randomBytes(512 * 512 * 3), { raw: { width: 512, height: 512, channels: 3 } }).png().toBuffer();
    zip.addBuffer(noise, `crowd/JPEGImages/noise-${i}.png`);
    zip.addBuffer(Buffer.from(xml(`noise-${i}.png`)), `crowd/Annotations/noise-${i}.xml`);
  }
  for (let i = 0; i < 40; i++) {
    const photo = await sharp({ create: { width: 96, height: 80, channels: 3, background: { r: 40 + i * 4, g: 120, b: 90 } } }).png().toBuffer();
    zip.addBuffer(photo, `crowd/JPEGImages/small-${i}.png`);
    zip.addBuffer(Buffer.from(xml(`small-${i}.png`)), `crowd/Annotations/small-${i}.xml`);
  }
  zip.end();
  const chunks: Buffer[] = [];
  for await (const chunk of zip.outputStream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Every caption the import's progress bar shows, recorded in the page as it changes (faster than polling sees). */
async function recordProgressCaptions(page: Page): Promise<() => Promise<string[]>> {
  await page.evaluate(() => {
    const seen: string[] = [];
    Object.assign(window, { importCaptions: seen });
    new MutationObserver(() => {
      const text = document.querySelector('[data-testid="import-progress"] p')?.textContent;
      if (text && seen.at(-1) !== text) seen.push(text);
    }).observe(document.body, { subtree: true, childList: true, characterData: true });
  });
  return () => page.evaluate(() => (window as unknown as { importCaptions: string[] }).importCaptions);
}

test("an upload shows its bytes as they go, then the server's phases, then the report", async ({ page }) => {
  test.setTimeout(90_000);
  const zip = await slowZip();
  await page.goto("/datasets/import");
  await page.getByLabel("Dataset name").fill("progress-crowd");
  await page.getByTestId("zip-input").setInputFiles({ name: "crowd.zip", mimeType: "application/zip", buffer: zip });
  const captions = await recordProgressCaptions(page);

  // About 600 kB/s up: the upload takes seconds, as a large one does on a real network.
  const network = await page.context().newCDPSession(page);
  await network.send("Network.enable");
  await network.send("Network.emulateNetworkConditions", { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: 600_000 });
  const answered = page.waitForResponse((response) => response.url().endsWith("/api/datasets/import"));
  await page.getByRole("button", { name: "Import" }).click();

  await expect(page.getByRole("progressbar", { name: "Import progress" })).toBeVisible();
  await expect(page.getByTestId("import-progress")).toContainText(/^Uploading: [\d.,]+ (B|kB|MB) of [\d.,]+ MB · \d+ %/);
  await expect(page.getByRole("heading", { name: "Verification report" })).toBeVisible({ timeout: 60_000 });
  await network.send("Network.emulateNetworkConditions", { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });

  // The bar advanced through the upload, then showed the server's work.
  const shown = await captions();
  const percents = shown.flatMap((caption) => /^Uploading: .* · (\d+) %$/.exec(caption)?.[1] ?? []).map(Number);
  expect(new Set(percents.filter((p) => p < 100)).size, shown.join("\n")).toBeGreaterThanOrEqual(2);
  expect(percents).toEqual([...percents].sort((a, b) => a - b));
  expect(shown.some((caption) => /^(Unpacking the zip|Verifying files|Importing images): [\d,]+ of /.test(caption)), shown.join("\n")).toBe(true);

  // The server's stream itself: each phase counts up to its total, then the result.
  const lines = (await (await answered).text()).trim().split("\n").map((line) => JSON.parse(line));
  const phases = lines.filter((l) => l.type === "progress");
  expect([...new Set(phases.map((p) => p.phase))]).toEqual(["unpacking", "verifying", "importing"]);
  expect(phases.filter((p) => p.phase === "importing").at(-1)).toMatchObject({ done: 44, total: 44 });
  expect(lines.at(-1)).toMatchObject({ type: "done", result: { imagesAdded: 44 } });
  await expect(page.getByTestId("import-counts")).toContainText("44 image files: 44 added");
});

test("a training job shows its phase, advancing progress, time left and its time budget while it runs", async ({ page }) => {
  test.setTimeout(150_000);
  await page.goto("/train");
  const form = page.getByRole("form", { name: "New training job" });
  if (!(await form.isVisible())) await page.getByText("New training job").click();
  await chooseOption(page, form.getByRole("combobox", { name: "Dataset" }), "sample-facemask");
  await chooseOption(page, form.getByRole("combobox", { name: "Model" }), "One-stage (MLD-1S, anchor-free, YOLO-style)");
  await form.getByRole("spinbutton", { name: "Training input size (px)" }).fill("128");
  await form.getByRole("spinbutton", { name: "Epochs" }).fill("20");
  await form.getByRole("spinbutton", { name: "Time budget (min, optional)" }).fill("5");
  await form.getByRole("button", { name: "Start training" }).click();
  await expect(page).toHaveURL(/\/train\/[A-Za-z0-9_-]+$/);
  const jobId = page.url().split("/").at(-1)!;

  // The first long wait is named, counted and timed.
  await expect(page.getByTestId("job-phase")).toContainText(/Caching backbone features · [\d,]+ of [\d,]+ inputs/, { timeout: 60_000 });
  await expect(page.getByTestId("job-duration")).toContainText("of a 5 min 00 s budget");
  await expect(page.getByTestId("job-eta")).toHaveText(/^about .+ in this phase$/, { timeout: 60_000 });
  await expect(page.getByTestId("job-log")).toContainText(/Caching backbone features: started, [\d,]+ inputs/);
  const progress = page.getByRole("progressbar", { name: "Training progress" });
  const before = Number(await progress.getAttribute("aria-valuenow"));
  await expect.poll(async () => Number(await progress.getAttribute("aria-valuenow")), { timeout: 60_000 }).toBeGreaterThan(before);
  const elapsed = await page.getByTestId("job-duration").textContent();
  await expect(page.getByTestId("job-duration")).not.toHaveText(elapsed!);

  // A phase counts every 15 s; the log keeps the latest count of each run, every line on request.
  const everyLine = page.getByRole("checkbox", { name: /^Show every progress line \(\d+ folded into the latest\)$/ });
  await expect(everyLine).toBeVisible({ timeout: 60_000 });
  const log = page.getByTestId("job-log").getByRole("listitem");
  const folded = await log.count();
  await everyLine.check();
  await expect.poll(() => log.count()).toBeGreaterThan(folded);

  // Enough seen: stop it, and the jobs list gives its status and how long it ran.
  await page.getByRole("button", { name: "Cancel job" }).click();
  await expect(page.getByTestId("job-status")).toHaveText("Cancelled", { timeout: 30_000 });
  await expect(page.getByTestId("job-phase")).toHaveText("—");
  await page.goto("/train");
  const row = page.getByRole("table", { name: "Training jobs" }).getByRole("row").filter({ has: page.locator(`a[href="/train/${jobId}"]`) });
  await expect(row).toContainText("Cancelled");
  await expect(row).toContainText(/\d+ s|\d+ min \d+ s/);
});

test("an unknown training job, or an unknown address, says so and leads back", async ({ page }) => {
  for (const address of ["/train/no-such-job", "/no-such-page"]) {
    expect((await page.goto(address))?.status()).toBe(404);
    await expect(page.getByRole("heading", { name: "Not found" })).toBeVisible();
    await expect(page.getByRole("alert").filter({ hasText: "Nothing is at this address" })).toContainText("a training job");
  }
  await page.goto("/train/no-such-job");
  await page.getByRole("navigation", { name: "Where to go instead" }).getByRole("link", { name: "Training jobs" }).click();
  await expect(page).toHaveURL(/\/train$/);
  await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
});
