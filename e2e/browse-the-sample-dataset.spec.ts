import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { parseVoc } from "../lib/domain/voc";
import { E2E_DATA_DIR } from "../playwright.config";

/** Class counts straight from the generated VOC files: an independent truth for the page. */
async function countsInSampleFolder(): Promise<{ images: number; perClass: Record<string, number> }> {
  const dir = path.join(E2E_DATA_DIR, "sample-voc", "Annotations");
  const files = await readdir(dir);
  const perClass: Record<string, number> = {};
  for (const file of files) {
    const parsed = parseVoc(await readFile(path.join(dir, file), "utf8"));
    if (!parsed.ok) throw parsed.error;
    for (const object of parsed.annotation.objects) perClass[object.name] = (perClass[object.name] ?? 0) + 1;
  }
  return { images: files.length, perClass };
}

test("a newcomer opens Masklab and sees the sample dataset with its counts", async ({ page }) => {
  const truth = await countsInSampleFolder();
  const totalBoxes = Object.values(truth.perClass).reduce((a, b) => a + b, 0);
  expect(truth.images).toBeGreaterThan(100);

  await page.goto("/");
  await expect(page).toHaveURL(/\/datasets$/);
  await expect(page.getByRole("heading", { name: "Datasets", level: 1 })).toBeVisible();

  const card = page.getByTestId("dataset-card").filter({ hasText: "sample-facemask" });
  await expect(card).toBeVisible();
  await expect(card.getByTestId("image-count")).toHaveText(truth.images.toLocaleString("en"));
  await expect(card.getByTestId("box-count")).toHaveText(totalBoxes.toLocaleString("en"));
  for (const className of ["with_mask", "without_mask", "mask_weared_incorrect"]) {
    await expect(card.getByTestId(`class-count-${className}`)).toHaveText((truth.perClass[className] ?? 0).toLocaleString("en"));
  }
  await expect(card.getByRole("row", { name: /With mask/ })).toBeVisible();
});

test("the navigation reaches every section and the worker shows as online", async ({ page }) => {
  await page.goto("/datasets");
  await expect(page.getByRole("status")).toHaveText(/worker online \(1\)/, { timeout: 20_000 });

  const nav = page.getByRole("navigation", { name: "Main" });
  await nav.getByRole("link", { name: "Train" }).click();
  await expect(page.getByRole("heading", { name: "Train", level: 1 })).toBeVisible();
  await expect(page.getByRole("table", { name: "Workers" }).getByRole("cell", { name: "idle" })).toBeVisible();
  await expect(nav.getByRole("link", { name: "Train" })).toHaveAttribute("aria-current", "page");

  // Keyboard only: focus the Models link and follow it with Enter.
  await nav.getByRole("link", { name: "Models" }).focus();
  await page.keyboard.press("Enter");
  await expect(page.getByRole("heading", { name: "Models", level: 1 })).toBeVisible();
  await expect(page.getByText("No model versions yet")).toBeVisible();

  await nav.getByRole("link", { name: "Label" }).click();
  await expect(page.getByRole("table", { name: "Labeling queues" }).getByRole("row", { name: /sample-facemask/ })).toBeVisible();

  await nav.getByRole("link", { name: "Monitor" }).click();
  await expect(page.getByText("No model in production")).toBeVisible();
});

test("the health endpoint reports the database and the live worker", async ({ request }) => {
  const response = await request.get("/api/health");
  expect(response.status()).toBe(200);
  const body = await response.json();
  expect(body.database.ok).toBe(true);
  expect(body.workers.alive).toBe(1);
  expect(body.status).toBe("ok");
});
