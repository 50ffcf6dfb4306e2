import { expect, test, type Locator } from "@playwright/test";
import { CLASS_COLORS, FACEMASK_CLASSES } from "../lib/domain/classes";

/**
 * One visual language: wide tables scroll inside their card with the first column in view, and
 * a class has one colour on every page. Runs after the training spec, so models exist.
 */
test.use({ viewport: { width: 1440, height: 900 } });

/** "#1b9e77" → "rgb(27, 158, 119)", as computed styles report colours. */
function rgb(hex: string): string {
  const n = Number.parseInt(hex.slice(1), 16);
  return `rgb(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255})`;
}

async function horizontalExtent(locator: Locator): Promise<{ left: number; right: number }> {
  const box = (await locator.boundingBox())!;
  return { left: box.x, right: box.x + box.width };
}

test("the benchmark table scrolls inside its card and keeps the model column and the promote column in view", async ({ page }) => {
  await page.goto("/models");
  const card = page.getByRole("region", { name: "Model benchmark, scrolls sideways" });
  const table = card.getByRole("table", { name: "Model benchmark" });
  await expect(table.getByRole("row")).not.toHaveCount(1);

  // The page keeps its reading width; the table is wider than its card, which scrolls.
  const cardExtent = await horizontalExtent(card);
  expect(cardExtent.right).toBeLessThanOrEqual(1440);
  const widths = await card.evaluate((element) => ({ client: element.clientWidth, scroll: element.scrollWidth }));
  expect(widths.scroll).toBeGreaterThan(widths.client);

  const firstModel = table.locator("tbody tr").first().getByRole("rowheader");
  const promote = table.locator("tbody tr td.sticky-end").first();
  const before = await horizontalExtent(firstModel);
  await card.evaluate((element) => element.scrollTo({ left: element.scrollWidth }));
  await expect.poll(() => card.evaluate((element) => element.scrollLeft)).toBeGreaterThan(0);
  const after = await horizontalExtent(firstModel);
  expect(after.left).toBeCloseTo(before.left, 0);
  expect(after.left).toBeGreaterThanOrEqual(cardExtent.left - 1);
  const promoteExtent = await horizontalExtent(promote);
  expect(promoteExtent.right).toBeLessThanOrEqual(cardExtent.right + 1);

  // Column groups can be hidden, and stay hidden on the next visit.
  await page.getByRole("button", { name: /^Columns/ }).click();
  await page.getByRole("menuitemcheckbox", { name: "Latency and throughput" }).click();
  await page.keyboard.press("Escape");
  await expect(table.getByRole("columnheader", { name: /^p50 ms/ })).toHaveCount(0);
  await page.reload();
  await expect(page.getByRole("button", { name: "Columns (1 hidden) ▾" })).toBeVisible();
  await expect(table.getByRole("columnheader", { name: /^p50 ms/ })).toHaveCount(0);
  await page.getByRole("button", { name: /^Columns/ }).click();
  await page.getByRole("menuitemcheckbox", { name: "Latency and throughput" }).click();
  await page.keyboard.press("Escape");
  await expect(table.getByRole("columnheader", { name: /^p50 ms/ }).first()).toBeVisible();
});

test("a class has the catalogue's colour in the editor, the evaluation charts and the dataset grid", async ({ page }) => {
  const expected = Object.fromEntries(FACEMASK_CLASSES.map((c) => [c, rgb(CLASS_COLORS[c])]));

  // The evaluation page's per-class precision-recall lines.
  await page.goto("/models");
  // an evaluated model trained here (a version without an evaluation has no link; external results have no curves of their own colour to check)
  await page.getByRole("table", { name: "Model benchmark" }).getByRole("row").filter({ hasText: "one_stage" }).getByRole("rowheader").getByRole("link").first().click();
  await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
  const chart = page.locator("figure.chart", { hasText: "Precision–recall per class" });
  await expect(chart.locator(".recharts-line-curve").first()).toBeVisible();
  const strokes = await chart.locator(".recharts-line-curve").evaluateAll((paths) => paths.map((p) => getComputedStyle(p).stroke));
  for (const c of FACEMASK_CLASSES) expect(strokes).toContain(expected[c]);
  const legend = await chart.locator(".recharts-legend-item-text").allTextContents();
  expect(legend).toContain("With mask");

  // The dataset grid's thumbnails draw boxes in the class colour.
  await page.goto("/datasets");
  await page.getByRole("link", { name: "sample-facemask" }).first().click();
  const tileBoxes = page.getByTestId("image-tile").first().locator("svg rect[data-class]");
  await expect(tileBoxes.first()).toBeAttached();
  for (const rect of await tileBoxes.all()) {
    const className = (await rect.getAttribute("data-class"))!;
    expect(await rect.evaluate((r) => getComputedStyle(r).stroke)).toBe(expected[className]);
  }

  // The editor's class picker shows the same colours.
  await page.getByTestId("image-tile").first().click();
  await expect(page.getByRole("toolbar", { name: "Editor" })).toBeVisible();
  const dots = page.locator(".class-picker .class-choice .dot");
  await expect(dots).toHaveCount(FACEMASK_CLASSES.length);
  const dotColours = await dots.evaluateAll((spans) => spans.map((s) => getComputedStyle(s).backgroundColor));
  expect(dotColours).toEqual(FACEMASK_CLASSES.map((c) => expected[c]));
});

test("shortcuts reach the editor after touching the preview threshold slider, which keeps its arrow keys", async ({ page }) => {
  await page.goto("/datasets");
  await page.getByRole("link", { name: "sample-facemask" }).first().click();
  await page.getByTestId("image-tile").first().click();
  const slider = page.getByRole("slider", { name: "Preview threshold" });
  await expect(slider).toBeVisible();
  const url = page.url();
  const firstBox = page.getByTestId("box-list").locator("li").first();
  await firstBox.getByRole("button").click();
  await expect(firstBox).toHaveAttribute("aria-current", "true");
  const before = (await firstBox.getAttribute("data-class"))!;
  const [key, after] = before === "without_mask" ? ["3", "Mask worn incorrectly"] : ["2", "Without mask"];

  await slider.focus();
  const threshold = await slider.inputValue();
  await page.keyboard.press("ArrowRight");
  await expect(slider).not.toHaveValue(threshold);
  expect(page.url()).toBe(url); // the arrow moved the slider, not to the next image
  await page.keyboard.press(key);
  await expect(firstBox).toContainText(after);
  await page.keyboard.press("Control+z");
  await expect(firstBox).toHaveAttribute("data-class", before);
});
