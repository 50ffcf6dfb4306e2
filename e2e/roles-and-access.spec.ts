import path from "node:path";
import { expect, test, type Browser } from "@playwright/test";
import { createDb } from "../lib/server/platform/db";
import { ROLE_LABELS, type Role } from "../lib/domain/permissions";
import { csrfHeader, E2E_BASE_URL, E2E_PASSWORD, emailOf, stateFile } from "./support/accounts";

async function pageAs(browser: Browser, role: Role) {
  return (await browser.newContext({ storageState: stateFile(role) })).newPage();
}

/** Alerts carries the unresolved count for the roles that triage (when there are any). */
const NAV: Record<Role, Array<string | RegExp>> = {
  annotator: ["Datasets", "Label", "Train", "Workers", "Models", "Try", "Monitor", "Alerts"],
  reviewer: ["Datasets", "Label", "Train", "Workers", "Models", "Try", "Monitor", /^Alerts\d*$/],
  ml_lead: ["Datasets", "Label", "Train", "Workers", "Models", "Try", "Monitor", /^Alerts\d*$/, "API keys"],
  admin: ["Datasets", "Label", "Train", "Workers", "Models", "Try", "Monitor", /^Alerts\d*$/, "API keys", "Users", "Audit log"],
};

test("each role sees only what it may do, and the server refuses the rest", async ({ browser }) => {
  for (const role of ["annotator", "reviewer", "ml_lead", "admin"] as const) {
    const page = await pageAs(browser, role);
    await page.goto("/datasets");
    await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link")).toHaveText(NAV[role]);
    if (role === "annotator") await expect(page.getByTestId("nav-alert-count")).toHaveCount(0);
    // The account page is in the account menu, for every role.
    await page.getByRole("button", { name: /^Account menu/ }).click();
    await page.getByRole("menuitem", { name: "Your account" }).click();
    await expect(page.getByRole("heading", { name: "Your account", level: 1 })).toBeVisible();
    await page.goto("/datasets");
    const mayImport = role === "ml_lead" || role === "admin";
    await expect(page.getByRole("link", { name: "Import a dataset" })).toHaveCount(mayImport ? 1 : 0);

    // The dataset grid offers export to ML leads and admins only.
    await page.getByRole("link", { name: "sample-facemask" }).click();
    await expect(page.getByTestId("match-count")).toHaveText(/300 images/);
    await expect(page.getByRole("link", { name: "Export" })).toHaveCount(mayImport ? 1 : 0);

    // The editor offers review decisions to reviewers and up.
    await page.getByTestId("image-tile").first().click();
    await expect(page.getByRole("button", { name: "Save" })).toBeVisible();
    await expect(page.getByRole("button", { name: "Approve" })).toHaveCount(role === "annotator" ? 0 : 1);

    // Typing the address of a page the role may not open lands on "Not allowed".
    for (const [url, allowed] of [
      ["/datasets/import", mayImport],
      ["/settings/api-keys", mayImport],
      ["/admin/users", role === "admin"],
      ["/admin/audit", role === "admin"],
    ] as const) {
      await page.goto(url);
      if (allowed) await expect(page.getByRole("heading", { level: 1 })).not.toHaveText("Not allowed");
      else await expect(page.getByRole("heading", { name: "Not allowed", level: 1 })).toBeVisible();
    }
    await page.context().close();
  }
});

test("an annotator cannot promote a model, not even through the API; an ML lead can, and the admin sees who did", async ({ browser }) => {
  // A registered model version (training arrives with its own issue): a row is all promotion needs.
  const database = createDb(`file:${path.resolve(".e2e-data", "masklab.db")}`);
  const dataset = await database.dataset.findFirstOrThrow({ where: { name: "sample-facemask" } });
  const model = await database.modelVersion.create({
    data: { name: "e2e-detector", version: 1, kind: "one_stage", datasetId: dataset.id, artifactKey: "none", classes: ["with_mask"], inputSize: 416 },
  });

  const annotator = await pageAs(browser, "annotator");
  await annotator.goto("/models");
  await expect(annotator.getByRole("table", { name: "Model benchmark" }).getByRole("row", { name: /e2e-detector v1/ })).toBeVisible();
  await expect(annotator.getByRole("button", { name: /Promote/ })).toHaveCount(0);
  const direct = await annotator.request.post(`/api/models/${model.id}/promote`, { headers: await csrfHeader(annotator) });
  expect(direct.status()).toBe(403);
  expect((await database.modelVersion.findUniqueOrThrow({ where: { id: model.id } })).stage).toBe("candidate");

  const lead = await pageAs(browser, "ml_lead");
  await lead.goto("/models");
  await lead.getByRole("button", { name: "Promote e2e-detector v1" }).click();
  await lead.getByRole("alertdialog").getByRole("button", { name: "Promote" }).click();
  await expect(lead.getByRole("table", { name: "Model benchmark" }).getByRole("row", { name: /e2e-detector v1/ })).toContainText("Production");
  await expect(lead.getByRole("table", { name: "Promotion history" })).toContainText("promoted e2e-detector v1");
  expect((await database.modelVersion.findUniqueOrThrow({ where: { id: model.id } })).stage).toBe("production");

  const admin = await pageAs(browser, "admin");
  await admin.goto("/admin/audit?action=model.promoted");
  await expect(admin.getByRole("table", { name: "Audit log" }).getByRole("row", { name: /model\.promoted/ })).toContainText(emailOf("ml_lead"));
  await database.$disconnect();
});

test("an ML lead creates an API key, a machine client uses it, and revoking it locks the client out", async ({ browser, playwright }) => {
  const lead = await pageAs(browser, "ml_lead");
  await lead.goto("/settings/api-keys");
  const form = lead.getByRole("form", { name: "Create an API key" });
  await form.getByRole("textbox", { name: "Key name" }).fill("door-camera");
  await form.getByRole("button", { name: "Create key" }).click();
  const key = (await lead.getByTestId("new-api-key").textContent())!;
  expect(key).toMatch(/^mk_/);

  const client = await playwright.request.newContext({ baseURL: E2E_BASE_URL, storageState: { cookies: [], origins: [] } });
  const onePixel = Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==", "base64");
  const predict = () => client.post("/api/predict", { headers: { Authorization: `Bearer ${key}`, "Content-Type": "image/png" }, data: onePixel });
  // Authenticated: the answer is about serving (the model promoted above has no artifact), not about who is asking.
  expect((await predict()).status()).toBe(503);
  expect((await client.post("/api/predict", { data: {} })).status()).toBe(401);
  // A predict key is not an export key.
  expect((await client.get("/api/datasets", { headers: { Authorization: `Bearer ${key}` } })).status()).toBe(401);

  await lead.reload();
  const row = lead.getByRole("table", { name: "API keys" }).getByRole("row", { name: /door-camera/ });
  await expect(row).not.toContainText("never");
  await row.getByRole("button", { name: "Revoke" }).click();
  await lead.getByRole("alertdialog").getByRole("button", { name: "Revoke" }).click();
  await expect(row).toContainText("Revoked");
  expect((await predict()).status()).toBe(401);
  await client.dispose();
});

test("signing out ends the session on the server, not only in the browser", async ({ browser }) => {
  const signedOut = { cookies: [], origins: [] };
  const context = await browser.newContext({ storageState: signedOut });
  const page = await context.newPage();
  await page.goto("/login");
  const form = page.getByRole("form", { name: "Sign in" });
  await form.getByRole("textbox", { name: "Email", exact: true }).fill(emailOf("reviewer"));
  await form.getByLabel("Password").fill("a wrong password!");
  await form.getByRole("button", { name: "Sign in" }).click();
  await expect(form.getByRole("alert")).toHaveText("wrong email or password");
  await form.getByLabel("Password").fill(E2E_PASSWORD);
  await form.getByRole("button", { name: "Sign in" }).click();
  const menu = page.getByRole("button", { name: new RegExp(`^Account menu: .*, ${ROLE_LABELS.reviewer}$`) });
  await expect(menu).toBeVisible();
  const cookies = await context.cookies();

  await menu.click();
  await page.getByRole("menuitem", { name: "Sign out" }).click();
  await expect(page.getByRole("heading", { name: "Sign in to Masklab" })).toBeVisible();
  await page.goto("/datasets");
  await expect(page).toHaveURL(/\/login/);

  // Replaying the old cookie does not bring the session back.
  const replay = await browser.newContext({ storageState: signedOut });
  await replay.addCookies(cookies);
  expect((await replay.request.get("/api/datasets")).status()).toBe(401);
  await replay.close();
  await context.close();
});
