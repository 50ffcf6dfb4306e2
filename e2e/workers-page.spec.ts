import { createHash } from "node:crypto";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { createDb } from "../lib/server/platform/db";
import { E2E_BASE_URL, stateFile } from "./support/accounts";

const LONG_HOST = "gpu-workstation-07.vision-lab.internal.example-university.edu";

test("an ML lead finds the workers, makes a worker token shown once with its command, and revokes it", async ({ page }, testInfo) => {
  const database = createDb(`file:${path.resolve(".e2e-data", "masklab.db")}`);
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.goto("/datasets");

  // Keyboard only: focus Workers in the top bar and follow it.
  const nav = page.getByRole("navigation", { name: "Main" });
  await nav.getByRole("link", { name: "Workers" }).focus();
  await page.keyboard.press("Enter");
  await expect(page.getByRole("heading", { name: "Workers", level: 1 })).toBeVisible();
  await expect(nav.getByRole("link", { name: "Workers" })).toHaveAttribute("aria-current", "page");

  // The worker `npm start` runs, on the database directly, alive.
  const workers = page.getByRole("table", { name: "Workers" });
  const local = workers.getByRole("row").filter({ hasText: "on the database directly" });
  await expect(local).toHaveCount(1);
  await expect(local.getByTestId("worker-status")).toHaveText(/^(Idle|Training)$/);
  await expect(local).toContainText(/MLD-1S/);

  await expect(page.getByText("No worker tokens yet")).toBeVisible();
  await page.screenshot({ path: testInfo.outputPath("workers-page-ml-lead-empty-1440.png"), fullPage: true });

  // A token, shown once with the command to run on the worker machine.
  const form = page.getByRole("form", { name: "Create a worker token" });
  await form.getByRole("textbox", { name: /Token name/ }).fill("e2e-gpu-box");
  await form.getByRole("button", { name: "Create worker token" }).click();
  const token = (await page.getByTestId("new-worker-token").textContent())!;
  expect(token).toMatch(/^mk_[A-Za-z0-9]{8}_[A-Za-z0-9_-]{32,}$/);
  await expect(page.getByTestId("worker-command")).toHaveText(`npm run worker -- --server ${E2E_BASE_URL} --token ${token}`);
  const shownOnce = page.getByRole("status").filter({ hasText: "it is shown only once" });
  await expect(shownOnce.getByRole("button", { name: "Copy the token" })).toBeVisible();
  await expect(shownOnce.getByRole("button", { name: "Copy the command" })).toBeVisible();
  const tokens = page.getByRole("table", { name: "Worker tokens" });
  const row = tokens.getByRole("row").filter({ hasText: "e2e-gpu-box" });
  await expect(row).toContainText(`mk_${token.slice(3, 11)}_…`);
  await expect(row).toContainText("Active");
  await expect(row).toContainText("no worker yet");

  // Only its hash is kept.
  const stored = await database.apiKey.findFirstOrThrow({ where: { name: "e2e-gpu-box" } });
  expect(stored.keyHash).toBe(createHash("sha256").update(token).digest("hex"));
  expect(stored.scopes).toBe("worker");

  // A remote worker signs in with it (its row as the worker API writes it), on a machine with a long name.
  const remote = await database.worker.create({
    data: {
      id: `training-${LONG_HOST}-4242-e2e`,
      kind: "training",
      hostname: LONG_HOST,
      pid: 4242,
      status: "busy",
      tokenId: stored.id,
      capabilities: { runtime: "node v20.19.0", backend: "webgpu", backendReason: "auto: WebGPU adapter nvidia ampere (NVIDIA RTX A6000)", gpu: "nvidia ampere (NVIDIA RTX A6000)", jobKinds: ["one_stage", "two_stage"] },
    },
  });
  // It holds a job (its lease far ahead, so the local worker leaves it alone).
  const dataset = await database.dataset.findFirstOrThrow({ where: { name: "sample-facemask" } });
  const job = await database.trainingJob.create({
    data: { datasetId: dataset.id, kind: "one_stage", config: { preset: "quick-cpu", epochs: 1 }, status: "running", progress: 0.4, workerId: remote.id, startedAt: new Date(), leaseExpiresAt: new Date(Date.now() + 600_000), attempts: 1 },
  });
  // And a worker whose heartbeats stopped two minutes ago: not responding.
  const stale = await database.worker.create({
    data: { id: "training-e2e-stale-1", kind: "training", hostname: "old-box", pid: 99, status: "busy", lastHeartbeatAt: new Date(Date.now() - 120_000), startedAt: new Date(Date.now() - 3_600_000), capabilities: { backend: "wasm", gpu: null, jobKinds: [] } },
  });
  try {
    await expect(workers.getByRole("row").filter({ hasText: "old-box" }).getByTestId("worker-status")).toHaveText("Not responding", { timeout: 15_000 });
    const remoteRow = workers.getByRole("row").filter({ hasText: LONG_HOST });
    await expect(remoteRow).toContainText(`remote, token e2e-gpu-box mk_${stored.prefix}…`, { timeout: 15_000 });
    await expect(remoteRow).toContainText("NVIDIA RTX A6000");
    await expect(remoteRow.getByTestId("worker-status")).toHaveText("Training");
    await expect(remoteRow.getByRole("link", { name: "MLD-1S on sample-facemask" })).toHaveAttribute("href", `/train/${job.id}`);
    await expect(row).toContainText(LONG_HOST, { timeout: 15_000 });
    await page.screenshot({ path: testInfo.outputPath("workers-page-ml-lead-1440.png"), fullPage: true });

    // Gone after a reload: the token is never shown again.
    await page.reload();
    await expect(page.getByRole("heading", { name: "Workers", level: 1 })).toBeVisible();
    await expect(page.getByTestId("new-worker-token")).toHaveCount(0);
    expect(await page.content()).not.toContain(token.slice(12));

    // Revoking asks first and says what happens to the worker.
    await row.getByRole("button", { name: "Revoke e2e-gpu-box" }).click();
    const dialog = page.getByRole("alertdialog");
    await expect(dialog).toContainText("stops within one lease, about a minute");
    await dialog.getByRole("button", { name: "Revoke" }).click();
    await expect(row).toContainText("Revoked");
    await expect(row.getByRole("button", { name: /Revoke/ })).toHaveCount(0);
    await expect(workers.getByRole("row").filter({ hasText: LONG_HOST })).toContainText("token revoked");
    expect((await database.apiKey.findUniqueOrThrow({ where: { id: stored.id } })).revokedAt).not.toBeNull();
  } finally {
    await database.trainingJob.delete({ where: { id: job.id } });
    await database.worker.deleteMany({ where: { id: { in: [remote.id, stale.id] } } });
    await database.$disconnect();
  }
});

test("an annotator sees the workers but no worker tokens", async ({ browser }, testInfo) => {
  const context = await browser.newContext({ storageState: stateFile("annotator"), viewport: { width: 1440, height: 900 } });
  const page = await context.newPage();
  await page.goto("/datasets");
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Workers" }).click();
  await expect(page.getByRole("heading", { name: "Workers", level: 1 })).toBeVisible();
  await expect(page.getByRole("table", { name: "Workers" }).getByRole("row").filter({ hasText: "on the database directly" })).toHaveCount(1);
  await expect(page.getByRole("heading", { name: "Worker tokens" })).toHaveCount(0);
  await expect(page.getByRole("form", { name: "Create a worker token" })).toHaveCount(0);
  await expect(page.getByRole("button", { name: /Revoke/ })).toHaveCount(0);
  expect((await page.request.get("/api/worker-tokens")).status()).toBe(403);
  await page.screenshot({ path: testInfo.outputPath("workers-page-annotator-1440.png"), fullPage: true });
  await context.close();
});
