import { expect, test, type Page } from "@playwright/test";
import sharp from "sharp";
import { apiAs, stateFile } from "./support/accounts";
import { chooseOption } from "./support/controls";

test.use({ storageState: stateFile("annotator") });

/** A dataset of two empty 400x300 images, uploaded by an ML lead through the API, so the canvas is clean. */
async function createBlankDataset(page: Page, name: string): Promise<string[]> {
  const blank = (color: string) => sharp({ create: { width: 400, height: 300, channels: 3, background: color } }).png().toBuffer();
  const lead = await apiAs("ml_lead");
  const response = await lead.post("/api/datasets/import", {
    multipart: {
      name,
      a: { name: "a.png", mimeType: "image/png", buffer: await blank("#70808c") },
      b: { name: "b.png", mimeType: "image/png", buffer: await blank("#8c7070") },
    },
  });
  expect(response.status()).toBe(200);
  const { datasetId } = await response.json();
  const list = await (await lead.get(`/api/datasets/${datasetId}/images`)).json();
  await lead.dispose();
  return list.items.map((i: { id: string }) => i.id);
}

async function canvasCentre(page: Page) {
  const box = (await page.getByTestId("editor-canvas").boundingBox())!;
  return { x: box.x + box.width / 2, y: box.y + box.height / 2 };
}

const boxItems = (page: Page) => page.getByTestId("box-list").getByRole("listitem");
// The list shows class and size; each row carries its image-pixel coordinates in data-box.
const coordinates = async (page: Page) => (await boxItems(page).first().getAttribute("data-box"))!.split(",").map(Number);

test("an annotator draws, resizes, reclassifies, undoes and finds it all saved", async ({ page }) => {
  const [first, second] = await createBlankDataset(page, "editor-e2e");
  await page.goto(`/label/${first}`);
  await expect(page.getByTestId("save-status")).toHaveText(/All changes saved · v1/);
  const c = await canvasCentre(page);

  // Draw by drag, with the default class.
  await page.mouse.move(c.x - 40, c.y - 40);
  await page.mouse.down();
  await page.mouse.move(c.x + 40, c.y + 40, { steps: 8 });
  await page.mouse.up();
  await expect(boxItems(page)).toHaveCount(1);
  await expect(boxItems(page).first()).toContainText("With mask");
  const drawn = await coordinates(page);

  // Change its class from the keyboard.
  await page.keyboard.press("2");
  await expect(boxItems(page).first()).toContainText("Without mask");

  // Resize with the bottom-right handle.
  await page.mouse.move(c.x + 40, c.y + 40);
  await page.mouse.down();
  await page.mouse.move(c.x + 90, c.y + 70, { steps: 8 });
  await page.mouse.up();
  await expect.poll(async () => (await coordinates(page))[2]).toBeGreaterThan(drawn[2]! + 10);
  const resized = await coordinates(page);
  expect(resized[0]).toBe(drawn[0]);

  // Undo the resize, redo it.
  await page.keyboard.press("Control+z");
  await expect.poll(() => coordinates(page)).toEqual(drawn);
  await page.keyboard.press("Control+Shift+Z");
  await expect.poll(() => coordinates(page)).toEqual(resized);

  // Autosave, then next image and back, then a reload: the box is there.
  await expect(page.getByTestId("save-status")).toHaveText(/All changes saved · v\d/, { timeout: 10_000 });
  await page.keyboard.press("d");
  await expect(page).toHaveURL(new RegExp(`/label/${second}`));
  await expect(boxItems(page)).toHaveCount(0);
  await page.keyboard.press("a");
  await expect(page).toHaveURL(new RegExp(`/label/${first}`));
  await page.reload();
  await expect(boxItems(page)).toHaveCount(1);
  await expect(boxItems(page).first()).toContainText("Without mask");
  expect(await coordinates(page)).toEqual(resized);

  // The other way to draw: one click per corner.
  await chooseOption(page, page.getByRole("combobox", { name: "Draw boxes by" }), "Draw by two clicks");
  await page.mouse.click(c.x - 120, c.y - 80);
  await page.mouse.move(c.x - 80, c.y - 50, { steps: 4 });
  await expect(boxItems(page)).toHaveCount(1);
  await page.mouse.click(c.x - 80, c.y - 50);
  await expect(boxItems(page)).toHaveCount(2);
});

test("two annotators editing one image get a conflict, never a lost update; old revisions restore", async ({ browser, page }) => {
  const [imageId] = await createBlankDataset(page, "conflict-e2e");
  await page.goto(`/label/${imageId}`);
  const c = await canvasCentre(page);
  await page.mouse.move(c.x - 30, c.y - 30);
  await page.mouse.down();
  await page.mouse.move(c.x + 30, c.y + 30, { steps: 6 });
  await page.mouse.up();
  await page.keyboard.press("Control+s");
  await expect(page.getByTestId("save-status")).toHaveText(/All changes saved · v2/);

  // A second annotator opens the same version.
  const other = await (await browser.newContext({ storageState: stateFile("annotator") })).newPage();
  await other.goto(`/label/${imageId}`);
  await expect(other.getByTestId("save-status")).toHaveText(/v2/);

  // The first one changes the class and saves (v3).
  await page.keyboard.press("Tab");
  await page.keyboard.press("3");
  await page.keyboard.press("Control+s");
  await expect(page.getByTestId("save-status")).toHaveText(/All changes saved · v3/);

  // The second one, still on v2, marks the box difficult: its save is refused and it is asked.
  await other.keyboard.press("Tab");
  await other.keyboard.press("x");
  await other.keyboard.press("Control+s");
  const dialog = other.getByRole("dialog", { name: "Conflict" });
  await expect(dialog).toBeVisible();
  await dialog.getByRole("button", { name: "Take theirs" }).click();
  await expect(boxItems(other).first()).toContainText("Mask worn incorrectly");
  await expect(other.getByTestId("save-status")).toHaveText(/All changes saved · v3/);

  // Restore the imported (empty) revision: it comes back as a new revision, v4.
  await page.getByTestId("history").getByRole("listitem").filter({ hasText: "v1 import" }).getByRole("button", { name: "restore" }).click();
  await expect(boxItems(page)).toHaveCount(0);
  await expect(page.getByTestId("save-status")).toHaveText(/v4/);
  await expect(page.getByTestId("history").getByRole("listitem").first()).toContainText("v4 restore");
});
