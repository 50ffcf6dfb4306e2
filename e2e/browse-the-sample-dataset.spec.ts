import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { classColor, isFacemaskClass } from "../lib/domain/classes";
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

/** "#1b9e77" → "rgb(27, 158, 119)", as the browser reports a computed colour. */
function rgbOf(hex: string): string {
  const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
  return `rgb(${r}, ${g}, ${b})`;
}

test("the grid's thumbnails draw each image's boxes in its class's colour, on the picture", async ({ page }) => {
  await page.goto("/datasets");
  await page.getByRole("link", { name: "sample-facemask" }).click();
  const grid = page.getByTestId("image-grid");
  await expect(grid.getByTestId("thumbnail-boxes").first()).toBeVisible();

  // Every drawn box is stroked in the catalogue's colour of its class (lib/domain/classes.ts).
  const drawn = await grid.locator("[data-testid=thumbnail-boxes] rect").evaluateAll((rects) =>
    rects.map((rect) => ({ className: rect.getAttribute("data-class") ?? "", stroke: getComputedStyle(rect).stroke })),
  );
  expect(drawn.length).toBeGreaterThan(10);
  for (const { className, stroke } of drawn) {
    expect(isFacemaskClass(className), className).toBe(true);
    expect(stroke, className).toBe(rgbOf(classColor(className)));
  }
  expect(new Set(drawn.map((d) => d.className)).size).toBeGreaterThanOrEqual(2);

  // A tile draws as many boxes as its caption counts, all within its picture.
  const tile = grid.getByTestId("image-tile").filter({ has: page.getByTestId("thumbnail-boxes") }).first();
  const boxCount = Number((await tile.getByTestId("tile-box-count").textContent())!.match(/^(\d+) box/)![1]);
  const rects = tile.locator("rect");
  await expect(rects).toHaveCount(boxCount);
  const picture = (await tile.getByRole("img").boundingBox())!;
  for (const rect of await rects.all()) {
    const box = (await rect.boundingBox())!;
    expect(box.x).toBeGreaterThanOrEqual(picture.x - 2);
    expect(box.y).toBeGreaterThanOrEqual(picture.y - 2);
    expect(box.x + box.width).toBeLessThanOrEqual(picture.x + picture.width + 2);
    expect(box.y + box.height).toBeLessThanOrEqual(picture.y + picture.height + 2);
  }
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
