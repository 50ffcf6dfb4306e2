import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { expect, test } from "@playwright/test";
import sharp from "sharp";
import yauzl from "yauzl";
import yazl from "yazl";
import { chooseOption } from "./support/controls";

const xml = (file: string, objects: Array<[string, number, number, number, number]>, width: number, height: number) =>
  `<annotation><filename>${file}</filename><size><width>${width}</width><height>${height}</height><depth>3</depth></size>${objects
    .map(([name, x1, y1, x2, y2]) => `<object><name>${name}</name><difficult>0</difficult><bndbox><xmin>${x1}</xmin><ymin>${y1}</ymin><xmax>${x2}</xmax><ymax>${y2}</ymax></bndbox></object>`)
    .join("")}</annotation>`;

/** A small messy VOC dataset, zipped inside a top folder, as a user would upload it. */
async function messyZip(dir: string): Promise<string> {
  const zip = new yazl.ZipFile();
  const image = (w: number, h: number, color: string) => sharp({ create: { width: w, height: h, channels: 3, background: color } }).png().toBuffer();
  zip.addBuffer(await image(120, 90, "#c08060"), "shop/JPEGImages/crowd 1.png");
  zip.addBuffer(Buffer.from(xml("crowd 1.png", [["with_mask", 5, 5, 40, 40], ["without_mask", 50, 10, 121, 60]], 120, 90)), "shop/Annotations/crowd 1.xml");
  zip.addBuffer(await image(100, 80, "#6080c0"), "shop/JPEGImages/street.png");
  zip.addBuffer(Buffer.from(xml("street.png", [["Mask Weared Incorrect", 10, 10, 30, 30]], 100, 80)), "shop/Annotations/street.xml");
  zip.addBuffer(await image(90, 90, "#60c080"), "shop/JPEGImages/unlabeled.png");
  zip.addBuffer(Buffer.from("<annotation><object><name>with_mask"), "shop/Annotations/broken.xml");
  zip.end();
  const chunks: Buffer[] = [];
  for await (const chunk of zip.outputStream) chunks.push(chunk as Buffer);
  const file = path.join(dir, "shop.zip");
  await writeFile(file, Buffer.concat(chunks));
  return file;
}

test("an ML lead uploads a messy zip, reads the report and filters the grid", async ({ page }) => {
  const dir = await mkdtemp(path.join(os.tmpdir(), "masklab-e2e-"));
  try {
    const zipPath = await messyZip(dir);
    await page.goto("/datasets");
    await page.getByRole("link", { name: "Import a dataset" }).click();
    await page.getByLabel("Dataset name").fill("shop cameras");
    await page.getByTestId("zip-input").setInputFiles({ name: "shop.zip", mimeType: "application/zip", buffer: await readFile(zipPath) });
    await page.getByRole("button", { name: "Import" }).click();

    // The verification report opens with one row per finding.
    await expect(page.getByRole("heading", { name: "Verification report" })).toBeVisible({ timeout: 30_000 });
    const findings = page.getByRole("table", { name: "Findings" });
    await expect(findings.getByRole("row", { name: /broken\.xml.*error.*xml-malformed/ })).toBeVisible();
    await expect(findings.getByRole("row", { name: /crowd 1\.xml.*box-clipped/ })).toBeVisible();
    await expect(findings.getByRole("row", { name: /street\.xml.*class-renamed/ })).toBeVisible();
    await expect(findings.getByRole("row", { name: /unlabeled\.png.*image-unlabeled/ })).toBeVisible();

    // Filter the report to errors only.
    await chooseOption(page, page.getByRole("form", { name: "Filter findings" }).getByRole("combobox", { name: "Severity" }), "error");
    await page.getByRole("button", { name: "Filter" }).click();
    await expect(page.getByTestId("finding-count")).toHaveText(/^1 finding/);

    // The grid: three images; the class filter narrows it, and the URL keeps the filter.
    await page.getByRole("navigation", { name: "Dataset" }).getByRole("link", { name: "Images" }).click();
    await expect(page.getByTestId("match-count")).toHaveText("3 images");
    await expect(page.getByTestId("image-tile")).toHaveCount(3);
    await chooseOption(page, page.getByRole("search", { name: "Filter images" }).getByRole("combobox", { name: "Class", exact: true }), "Mask worn incorrectly");
    await expect(page.getByTestId("match-count")).toHaveText("1 image");
    await expect(page).toHaveURL(/className=mask_weared_incorrect/);
    await chooseOption(page, page.getByRole("search", { name: "Filter images" }).getByRole("combobox", { name: "Class", exact: true }), "Any");
    await chooseOption(page, page.getByRole("search", { name: "Filter images" }).getByRole("combobox", { name: "Status", exact: true }), "Unlabeled");
    await expect(page.getByTestId("image-tile")).toHaveCount(1);
    await expect(page.getByTestId("image-tile")).toHaveAttribute("title", "JPEGImages/unlabeled.png");

    // Search by file name, then open the image: next/previous stay within the filter.
    await chooseOption(page, page.getByRole("search", { name: "Filter images" }).getByRole("combobox", { name: "Status", exact: true }), "Any");
    await page.getByRole("search", { name: "Filter images" }).getByRole("searchbox", { name: "File name" }).fill("crowd");
    await expect(page).toHaveURL(/q=crowd/);
    await expect(page).not.toHaveURL(/labelStatus/);
    await expect(page.getByTestId("image-tile")).toHaveAttribute("title", "JPEGImages/crowd 1.png");
    await expect(page.getByTestId("match-count")).toHaveText("1 image");
    await page.getByTestId("image-tile").click();
    await expect(page.getByRole("heading", { name: "JPEGImages/crowd 1.png" })).toBeVisible();
    await expect(page.getByText("image 1 of 1 (filtered)")).toBeVisible();
    await expect(page.getByTestId("box-list").getByRole("listitem")).toHaveCount(2);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test("a bad upload gets a clear error and changes nothing", async ({ page }) => {
  await page.goto("/datasets/import");
  await page.getByLabel("Dataset name").fill("junk");
  await page.getByTestId("zip-input").setInputFiles({ name: "junk.zip", mimeType: "application/zip", buffer: Buffer.from("this is not a zip") });
  await page.getByRole("button", { name: "Import" }).click();
  await expect(page.getByRole("form", { name: "Import a dataset" }).getByRole("alert")).toContainText("not a readable zip file");
  const { datasets } = await (await page.request.get("/api/datasets")).json();
  expect(datasets.map((d: { name: string }) => d.name)).not.toContain("junk");
});

test("an ML lead exports the test split as COCO and gets exactly those images", async ({ page }) => {
  await page.goto("/datasets");
  await page.getByRole("link", { name: "sample-facemask" }).click();
  await chooseOption(page, page.getByRole("search", { name: "Filter images" }).getByRole("combobox", { name: "Split", exact: true }), "Test");
  await expect(page).toHaveURL(/split=test/);
  const datasetId = page.url().match(/datasets\/([^/?]+)/)![1]!;
  const { total: shown } = await (await page.request.get(`/api/datasets/${datasetId}/images/count?split=test`)).json();
  expect(shown).toBeGreaterThan(10);
  await expect(page.getByTestId("match-count")).toHaveText(`${shown} images`);
  await chooseOption(page, page.getByRole("combobox", { name: /Export these images as/ }), "COCO (.zip)");
  const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Export" }).click()]);
  const zipPath = await download.path();
  const zip = await yauzl.openPromise(zipPath, { lazyEntries: true });
  const names: string[] = [];
  let annotations = "";
  for await (const entry of zip.eachEntry()) {
    names.push(entry.fileName);
    if (entry.fileName === "annotations.json") {
      const chunks: Buffer[] = [];
      for await (const chunk of await zip.openReadStreamPromise(entry)) chunks.push(chunk as Buffer);
      annotations = Buffer.concat(chunks).toString("utf8");
    }
  }
  zip.close();
  const coco = JSON.parse(annotations) as { images: unknown[]; categories: Array<{ name: string }> };
  expect(coco.images).toHaveLength(shown);
  expect(names.filter((n) => n.startsWith("images/"))).toHaveLength(shown);
  expect(coco.categories.map((c) => c.name)).toEqual(["with_mask", "without_mask", "mask_weared_incorrect"]);
});
