import { mkdir } from "node:fs/promises";
import path from "node:path";
import { expect, test as setup } from "@playwright/test";
import { ROLE_LABELS } from "../lib/domain/permissions";
import { E2E_PASSWORD, E2E_ROLES, E2E_SETUP_TOKEN, emailOf, stateFile } from "./support/accounts";
import { chooseOption } from "./support/controls";

/**
 * The first run, as a new team lives it: the admin follows the one-time link printed by
 * `npm start`, creates the other accounts from the Users page, and everyone signs in. The
 * signed-in states are saved for the other specs.
 */
setup("the first admin sets Masklab up, creates one account per role, and each person signs in", async ({ page, browser }) => {
  await mkdir(path.dirname(stateFile("admin")), { recursive: true });

  // Before setup, the app is closed and says how to open it.
  await page.goto("/datasets");
  await expect(page).toHaveURL(/\/login\?next=%2Fdatasets/);
  await expect(page.getByText("No account exists yet")).toBeVisible();

  await page.goto("/setup");
  await expect(page.getByRole("main").getByRole("alert")).toContainText("one-time setup link");
  await page.goto(`/setup?token=${E2E_SETUP_TOKEN}`);
  const setupForm = page.getByRole("form", { name: "Create the admin account" });
  await setupForm.getByRole("textbox", { name: "Your name" }).fill("Ada Admin");
  await setupForm.getByRole("textbox", { name: "Email", exact: true }).fill(emailOf("admin"));
  await setupForm.getByLabel("Password (at least").fill(E2E_PASSWORD);
  await setupForm.getByLabel("Password again").fill(E2E_PASSWORD);
  await setupForm.getByRole("button", { name: "Create the admin account" }).click();
  await expect(page.getByRole("heading", { name: "Users", level: 1 })).toBeVisible();
  await page.context().storageState({ path: stateFile("admin") });

  // The link is single-use.
  const again = await browser.newPage();
  await again.goto(`/setup?token=${E2E_SETUP_TOKEN}`);
  await expect(again.getByRole("heading", { name: "Masklab is set up" })).toBeVisible();
  await again.close();

  const createForm = page.getByRole("form", { name: "Create an account" });
  for (const role of E2E_ROLES.filter((r) => r !== "admin")) {
    await createForm.getByRole("textbox", { name: "Name", exact: true }).fill(`${ROLE_LABELS[role]} Person`);
    await createForm.getByRole("textbox", { name: "Email", exact: true }).fill(emailOf(role));
    await chooseOption(page, createForm.getByRole("combobox", { name: "Role" }), ROLE_LABELS[role]);
    await createForm.getByLabel("Initial password").fill(E2E_PASSWORD);
    await createForm.getByRole("button", { name: "Create account" }).click();
    await expect(page.getByRole("table", { name: "Accounts" }).getByRole("row", { name: new RegExp(emailOf(role)) })).toBeVisible();
  }

  for (const role of E2E_ROLES.filter((r) => r !== "admin")) {
    const context = await browser.newContext();
    const person = await context.newPage();
    await person.goto("/label");
    await expect(person).toHaveURL(/\/login\?next=%2Flabel/);
    const form = person.getByRole("form", { name: "Sign in" });
    await form.getByRole("textbox", { name: "Email", exact: true }).fill(emailOf(role));
    await form.getByLabel("Password").fill(E2E_PASSWORD);
    await form.getByRole("button", { name: "Sign in" }).click();
    // Back where they wanted to go, signed in with their role shown.
    await expect(person.getByRole("heading", { name: "Label", level: 1 })).toBeVisible();
    await expect(person.getByRole("button", { name: `Account menu: ${ROLE_LABELS[role]} Person, ${ROLE_LABELS[role]}` })).toBeVisible();
    await context.storageState({ path: stateFile(role) });
    await context.close();
  }
});
