import { expect, test } from "@playwright/test";
import sharp from "sharp";
import { apiAs, stateFile } from "./support/accounts";

test.use({ storageState: stateFile("reviewer") });

test("a reviewer rejects a box with a comment and the annotator finds it in the needs-fix queue", async ({ page: reviewer, browser }) => {
  let page = reviewer;
  const image = await sharp({ create: { width: 300, height: 200, channels: 3, background: "#808890" } }).png().toBuffer();
  const xml = `<annotation><filename>door.png</filename><object><name>with_mask</name><bndbox><xmin>20</xmin><ymin>20</ymin><xmax>80</xmax><ymax>90</ymax></bndbox></object></annotation>`;
  const lead = await apiAs("ml_lead");
  const upload = await lead.post("/api/datasets/import", {
    multipart: { name: "review-e2e", img: { name: "door.png", mimeType: "image/png", buffer: image }, ann: { name: "door.xml", mimeType: "text/xml", buffer: Buffer.from(xml) } },
  });
  expect(upload.status()).toBe(200);
  const { datasetId } = await upload.json();
  await lead.dispose();

  // The reviewer walks the "to review" queue (labeled images) and rejects the box.
  await page.goto("/label");
  await page.getByRole("table", { name: "Labeling queues" }).getByRole("row", { name: /review-e2e/ }).getByRole("link").nth(1).click();
  await expect(page).toHaveURL(new RegExp(`/datasets/${datasetId}\\?labelStatus=labeled`));
  await page.getByTestId("image-tile").click();
  await expect(page.getByTestId("box-list").getByRole("listitem")).toHaveCount(1);
  await page.keyboard.press("Tab");
  await page.keyboard.press("Shift+R");
  const dialog = page.getByRole("dialog", { name: "Needs fix" });
  await dialog.getByRole("textbox", { name: "Comment" }).fill("the box misses the chin");
  await expect(dialog.getByRole("checkbox")).toBeChecked();
  await dialog.getByRole("button", { name: "Send back to labeling" }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByTestId("label-status")).toHaveText("Needs fix");

  // The annotator's needs-fix queue holds it, with the comment on the box.
  page = await (await browser.newContext({ storageState: stateFile("annotator") })).newPage();
  await page.goto("/label");
  const row = page.getByRole("table", { name: "Labeling queues" }).getByRole("row", { name: /review-e2e/ });
  await expect(row.getByRole("link").nth(3)).toHaveText("1");
  await row.getByRole("link").nth(3).click();
  await expect(page).toHaveURL(/labelStatus=needs_fix/);
  await page.getByTestId("image-tile").click();
  await expect(page.getByTestId("comments")).toContainText("on a box: the box misses the chin");
  await expect(page.getByTestId("history").getByRole("listitem").first()).toContainText("review");

  // The annotator fixes the box and sends it back to review; the comment is resolved.
  await page.keyboard.press("Tab");
  await page.keyboard.press("x");
  await page.getByRole("button", { name: "Mark fixed" }).click();
  await expect(page.getByTestId("label-status")).toHaveText("Labeled");
  await expect(page.getByTestId("comments")).toContainText("(resolved)");
  await page.goto("/label");
  const after = page.getByRole("table", { name: "Labeling queues" }).getByRole("row", { name: /review-e2e/ });
  await expect(after.getByRole("link").nth(3)).toHaveText("0");
  await expect(after.getByRole("link").nth(1)).toHaveText("1");
});
