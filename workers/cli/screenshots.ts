/**
 * npm run screenshots [-- --out screenshots] [--port 3290] [--two-stage] [--keep-data] [--only NAME,NAME] [--readme-picture]
 *
 * A picture of every page and key state, so anyone can review the product's look in a minute.
 * It seeds a fresh, throwaway data folder the way a team would fill one — the bundled sample
 * dataset (the same import `npm start` runs), one account per role, a small model trained on the
 * CPU through the job queue (192 px, 10 epochs: about two minutes; --two-stage adds a two-stage one),
 * the model promoted, two hours of logged traffic (the second one partly dark) with a baseline and
 * a drift report that raises alerts, and an API key — then starts the app exactly as `npm start`
 * does (on its own port and data folder; it builds the web app only when the sources changed),
 * signs in as each role in Chromium and writes one 1440×900 PNG per page or state into --out.
 *
 * Chromium: CHROMIUM_PATH, else /usr/bin/chromium (CHROMIUM_PATH= empty: Playwright's own), as the
 * end-to-end tests use. A page that fails is reported and the rest still run; the exit code is 1
 * when any failed, 2 on usage errors. --only takes shot names (or parts of them); --readme-picture
 * also rewrites README's picture (docs/images/dataset-grid.png) from the new dataset grid.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createWriteStream } from "node:fs";
import { mkdir, mkdtemp, readdir, readFile, rm, stat } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import type { Browser, BrowserContext, Page } from "@playwright/test";

const USAGE = "usage: npm run screenshots [-- --out screenshots] [--port 3290] [--two-stage] [--keep-data] [--only NAME,NAME] [--readme-picture]";
/** README's picture: the dataset grid, scaled to 1200 px wide as a palette PNG (about 100 kB). */
const README_PICTURE = { shot: "02-dataset-grid", file: "docs/images/dataset-grid.png", width: 1200 };
const VIEWPORT = { width: 1440, height: 900 };
const PASSWORD = "screenshots password, long enough";
const ROLES = ["annotator", "reviewer", "ml_lead", "admin"] as const;
type Role = (typeof ROLES)[number];
const PEOPLE: Record<Role, { name: string; email: string }> = {
  annotator: { name: "Ana Annotator", email: "ana@masklab.example" },
  reviewer: { name: "Rui Reviewer", email: "rui@masklab.example" },
  ml_lead: { name: "Mei ML-lead", email: "mei@masklab.example" },
  admin: { name: "Ada Admin", email: "ada@masklab.example" },
};

const log = (line: string) => console.log(`[screenshots] ${line}`);
const seconds = (since: number) => `${((performance.now() - since) / 1000).toFixed(0)} s`;

interface Seeded {
  datasetId: string;
  importRunId: string | null;
  crowdedImageId: string;
  tryImagePng: Buffer;
  jobId: string;
  modelId: string;
  evaluationId: string | null;
  alertId: string | null;
  importZip: Buffer;
}

interface Shot {
  name: string;
  role: Role | null;
  url: (s: Seeded) => string;
  /** Actions after the page loaded (fill a form, open a dialog); returns when the state is on screen. */
  prepare?: (page: Page, s: Seeded) => Promise<void>;
}

async function main(): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        out: { type: "string", default: "screenshots" },
        port: { type: "string", default: "3290" },
        "two-stage": { type: "boolean", default: false },
        "keep-data": { type: "boolean", default: false },
        only: { type: "string" },
        "readme-picture": { type: "boolean", default: false },
      },
    }));
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    return 2;
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    console.error(`--port must be a port number\n${USAGE}`);
    return 2;
  }
  const outDir = path.resolve(values.out!);
  const only = values.only?.split(",").map((s) => s.trim()).filter(Boolean);

  // Everything below reads its data folder and database from the environment: set them first.
  const dataDir = await mkdtemp(path.join(os.tmpdir(), "masklab-screenshots-"));
  process.env.DATA_DIR = dataDir;
  delete process.env.DATABASE_URL;
  log(`data folder: ${dataDir}`);

  let app: ChildProcess | null = null;
  let browser: Browser | null = null;
  const failures: string[] = [];
  const written: string[] = [];
  try {
    const seeded = await seed(dataDir, values["two-stage"]!);
    const started = performance.now();
    app = await startApp(dataDir, port);
    log(`app ready at http://127.0.0.1:${port} (${seconds(started)}, including any build)`);

    const { chromium } = await import("@playwright/test");
    const executablePath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
    browser = await chromium.launch({
      executablePath: executablePath || undefined,
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    });
    await mkdir(outDir, { recursive: true });
    const base = `http://127.0.0.1:${port}`;
    const contexts = new Map<Role | null, BrowserContext>();
    const contextFor = async (role: Role | null): Promise<BrowserContext> => {
      const existing = contexts.get(role);
      if (existing) return existing;
      const context = await browser!.newContext({ baseURL: base, viewport: VIEWPORT, deviceScaleFactor: 1, locale: "en-GB", timezoneId: "Europe/London" });
      if (role) await signIn(context, role);
      contexts.set(role, context);
      return context;
    };

    const shots = SHOTS.filter((shot) => !only || only.some((o) => shot.name.includes(o)));
    for (const shot of shots) {
      const file = path.join(outDir, `${shot.name}.png`);
      const failedFile = path.join(outDir, `${shot.name}.failed.png`);
      await rm(file, { force: true });
      await rm(failedFile, { force: true });
      const t0 = performance.now();
      let page: Page | null = null;
      try {
        const context = await contextFor(shot.role);
        page = await context.newPage();
        const pageErrors: string[] = [];
        page.on("pageerror", (error) => pageErrors.push(error.message));
        const response = await page.goto(shot.url(seeded), { waitUntil: "domcontentloaded", timeout: 60_000 });
        if (response && response.status() >= 400) throw new Error(`HTTP ${response.status()} for ${page.url()}`);
        await settle(page);
        await shot.prepare?.(page, seeded);
        await assertRendered(page, shot.role !== null);
        await page.screenshot({ path: file, animations: "disabled" });
        written.push(file);
        const note = pageErrors.length ? ` (script errors on the page: ${pageErrors.slice(0, 2).join(" | ")})` : "";
        log(`ok   ${shot.name}.png  ${page.url().replace(base, "")}  (${seconds(t0)})${note}`);
      } catch (error) {
        failures.push(shot.name);
        log(`FAIL ${shot.name}: ${(error as Error).message.split("\n")[0]}`);
        // What was on screen when it failed helps more than nothing.
        await page?.screenshot({ path: failedFile }).catch(() => undefined);
      } finally {
        await page?.close().catch(() => undefined);
      }
    }
  } catch (error) {
    failures.push("set-up");
    console.error(`[screenshots] set-up failed: ${(error as Error).stack ?? error}`);
  } finally {
    await browser?.close().catch(() => undefined);
    if (app) await stopApp(app);
    if (values["keep-data"]) log(`data folder kept: ${dataDir} (the app's log: ${path.join(dataDir, "app.log")})`);
    else await rm(dataDir, { recursive: true, force: true }).catch(() => undefined);
  }

  console.log(`\n${written.length} screenshot${written.length === 1 ? "" : "s"} written:`);
  for (const file of written) {
    const { size } = await stat(file);
    console.log(`  ${path.relative(process.cwd(), file)}  (${Math.round(size / 1024)} kB)`);
  }
  const grid = written.find((file) => path.basename(file) === `${README_PICTURE.shot}.png`);
  if (values["readme-picture"] && grid) {
    const sharp = (await import("sharp")).default;
    await sharp(grid).resize({ width: README_PICTURE.width }).png({ palette: true, effort: 10 }).toFile(README_PICTURE.file);
    console.log(`README's picture: ${README_PICTURE.file} (${Math.round((await stat(README_PICTURE.file)).size / 1024)} kB)`);
  }
  if (failures.length) {
    console.log(`\n${failures.length} failed: ${failures.join(", ")}${outDir ? ` (see ${path.relative(process.cwd(), outDir)}/*.failed.png)` : ""}`);
    return 1;
  }
  return 0;
}

/** The data a team would have after a first day: sample dataset, accounts, a trained and promoted model, traffic, an alert. */
async function seed(dataDir: string, twoStage: boolean): Promise<Seeded> {
  const { migrateDatabase } = await import("@/lib/server/platform/migrate");
  const { db } = await import("@/lib/server/platform/db");
  const { blobStore } = await import("@/lib/server/platform/storage");
  const { ensureSampleDataset } = await import("@/lib/server/datasets/sample-bootstrap");
  const { SAMPLE_DATASET_NAME } = await import("@/lib/server/datasets/sample-dataset");
  const { createUser } = await import("@/lib/server/auth/users");
  const { audit } = await import("@/lib/server/auth/audit");
  const { createApiKey } = await import("@/lib/server/auth/api-keys");

  let t0 = performance.now();
  await migrateDatabase();
  await ensureSampleDataset({ log: (line) => log(line) });
  const database = db();
  const dataset = await database.dataset.findUniqueOrThrow({ where: { name: SAMPLE_DATASET_NAME } });
  log(`sample dataset imported (${seconds(t0)})`);

  const users = {} as Record<Role, { id: string }>;
  for (const role of ROLES) {
    users[role] = await createUser({ ...PEOPLE[role], role, password: PASSWORD });
    await audit("user.created", { target: PEOPLE[role].email, detail: { role, via: "cli" } });
  }
  await createApiKey({ name: "door camera", scopes: ["predict"], createdById: users.ml_lead.id });
  await createApiKey({ name: "nightly export", scopes: ["export"], createdById: users.ml_lead.id });
  log("one account per role and two API keys created");

  // Training runs through the job queue in its own process (`npm run train`), as an ML lead's job would.
  t0 = performance.now();
  await train(dataDir, ["--dataset", SAMPLE_DATASET_NAME, "--kind", "one-stage", "--epochs", "10", "--input-size", "192"]);
  if (twoStage) await train(dataDir, ["--dataset", SAMPLE_DATASET_NAME, "--kind", "two-stage", "--epochs", "1", "--input-size", "128"]);
  log(`training done (${seconds(t0)})`);
  const model = await database.modelVersion.findFirstOrThrow({ where: { kind: "one_stage" }, orderBy: { createdAt: "asc" } });
  const job = await database.trainingJob.findFirstOrThrow({ orderBy: { createdAt: "asc" } });
  const evaluation = await database.evaluation.findFirst({ where: { modelVersionId: model.id, split: "test" }, orderBy: { createdAt: "desc" } });

  const { promoteModelVersion } = await import("@/lib/server/models/model-registry");
  await promoteModelVersion(model.id, { actorId: users.ml_lead.id });
  await audit("model.promoted", { actorId: users.ml_lead.id, target: `${model.name} v${model.version}`, detail: { modelVersionId: model.id, previousId: null } });

  // Two hours of traffic ending now: the door camera as usual, then the lobby camera turning dark.
  // The first hour is the baseline; the second is judged against it (and the monitor, once the app
  // runs, judges its rolling hour too), so the dashboard and an alert have something to show.
  t0 = performance.now();
  const store = blobStore();
  const { ModelServer } = await import("@/lib/server/serving/model-server");
  const { predictImage } = await import("@/lib/server/serving/predict");
  const { epochMinute } = await import("@/lib/server/serving/prediction-log");
  const { replayImages, shiftedStream } = await import("@/lib/server/monitoring/simulate");
  const { buildWindowBaseline } = await import("@/lib/server/monitoring/baselines");
  const { computeDriftReport } = await import("@/lib/server/monitoring/drift-reports");
  const server = new ModelServer({ store, db: database }, { productionTtlMs: 0 });
  const images = await replayImages(SAMPLE_DATASET_NAME, { store, db: database }, 240);
  const normal = shiftedStream(images, "none");
  const dark = shiftedStream(images, "dark");
  const hour0 = Date.now() - 2 * 3_600_000;
  const at = (hour: number, i: number, n: number) => new Date(hour0 + hour * 3_600_000 + Math.floor((i * 3_600_000) / n));
  for (let i = 0; i < 220; i++) await predictImage(await normal.pick(i), { source: "door-cam", at: at(0, i, 220) }, { server, store, db: database });
  for (let i = 0; i < 240; i++) {
    const lobby = i % 2 === 0;
    await predictImage(await (lobby ? dark : normal).pick(i + 7), { source: lobby ? "lobby-cam" : "door-cam", keepImage: true, at: at(1, i, 240) }, { server, store, db: database });
  }
  const minute = (hour: number) => epochMinute(new Date(hour0 + hour * 3_600_000));
  const baseline = await buildWindowBaseline({ modelVersionId: model.id, startMinute: minute(0), endMinute: minute(1) }, { actorId: users.ml_lead.id }, database);
  const report = await computeDriftReport(baseline, { startMinute: minute(1), endMinute: minute(2) + 1 }, "scheduled", database);
  log(`460 predictions logged, baseline built, drift report raised ${report.alertsRaised} alert(s) (${seconds(t0)})`);
  const alert =
    (await database.alert.findFirst({ where: { feature: "brightness" }, orderBy: { createdAt: "asc" } })) ??
    (await database.alert.findFirst({ orderBy: { createdAt: "asc" } }));

  // The most crowded test photo for the editor, and a labelled test photo for the Try page.
  const crowded = await database.image.findFirstOrThrow({ where: { datasetId: dataset.id }, orderBy: [{ boxCount: "desc" }, { fileName: "asc" }] });
  const tryImage = await database.image.findFirstOrThrow({ where: { datasetId: dataset.id, split: "test", boxCount: { gte: 3 } }, orderBy: { fileName: "asc" } });
  const sharp = (await import("sharp")).default;
  const tryImagePng = await sharp(await store.get(tryImage.contentHash)).png().toBuffer();
  const importRun = await database.importRun.findFirst({ where: { datasetId: dataset.id }, orderBy: { startedAt: "desc" } });
  const importZip = await messyZip(path.join(dataDir, "sample-voc"));
  await database.$disconnect();
  return {
    datasetId: dataset.id,
    importRunId: importRun?.id ?? null,
    crowdedImageId: crowded.id,
    tryImagePng,
    jobId: job.id,
    modelId: model.id,
    evaluationId: evaluation?.id ?? null,
    alertId: alert?.id ?? null,
    importZip,
  };
}

/** `npm run train -- …` on the data folder; with no worker running it trains in its own process. */
function train(dataDir: string, args: string[]): Promise<void> {
  log(`npm run train -- ${args.join(" ")}`);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", "workers/cli/train.ts", ...args], { env: { ...process.env, DATA_DIR: dataDir }, stdio: ["ignore", "pipe", "pipe"] });
    const forward = (chunk: Buffer) => {
      for (const line of chunk.toString().split("\n")) if (line.trim()) console.log(`[train] ${line}`);
    };
    child.stdout.on("data", forward);
    child.stderr.on("data", forward);
    child.on("error", reject);
    child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`npm run train exited with ${code}`))));
  });
}

/** A small VOC zip from sample files with the usual slips (a cut-short XML, a renamed class), for the import form. */
async function messyZip(sampleFolder: string): Promise<Buffer> {
  const yazl = (await import("yazl")).default;
  const zip = new yazl.ZipFile();
  const annotations = (await readdir(path.join(sampleFolder, "Annotations"))).sort().slice(0, 12);
  for (const [i, file] of annotations.entries()) {
    let xml = await readFile(path.join(sampleFolder, "Annotations", file), "utf8");
    const imageName = /<filename>([^<]+)<\/filename>/.exec(xml)?.[1];
    if (!imageName) continue;
    // A class written another way ("Without Mask"): mapped, with a class-renamed warning.
    if (i === 3) xml = xml.replace(/<name>([a-z_]+)<\/name>/, (_, name: string) => `<name>${name.split("_").map((w) => w[0]!.toUpperCase() + w.slice(1)).join(" ")}</name>`);
    if (i === 7) xml = xml.slice(0, Math.floor(xml.length / 2));
    zip.addBuffer(Buffer.from(xml), `lobby-camera/Annotations/${file}`);
    zip.addBuffer(await readFile(path.join(sampleFolder, "JPEGImages", imageName)), `lobby-camera/JPEGImages/${imageName}`);
  }
  zip.end();
  const chunks: Buffer[] = [];
  for await (const chunk of zip.outputStream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** `npm start`'s own launcher on this data folder and port; resolves once /api/health answers. */
async function startApp(dataDir: string, port: number): Promise<ChildProcess> {
  const logFile = createWriteStream(path.join(dataDir, "app.log"));
  log(`starting the app (npm start) on port ${port}; its log: ${path.join(dataDir, "app.log")}`);
  const child = spawn(process.execPath, ["--import", "tsx", "workers/start.ts"], {
    env: { ...process.env, DATA_DIR: dataDir, PORT: String(port), HOST: "127.0.0.1", DATABASE_URL: "", NEXT_TELEMETRY_DISABLED: "1" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const forward = (chunk: Buffer) => {
    logFile.write(chunk);
    // The launcher's own lines (build, ready) are worth showing; the servers' chatter stays in the log.
    for (const line of chunk.toString().split("\n")) if (line.startsWith("[masklab]")) console.log(`[app] ${line}`);
  };
  child.stdout!.on("data", forward);
  child.stderr!.on("data", forward);
  let exited: string | null = null;
  child.on("exit", (code, signal) => (exited = signal ?? `code ${code}`));
  const deadline = Date.now() + 20 * 60_000; // a first `next build` on two busy cores can take minutes
  while (Date.now() < deadline) {
    if (exited) throw new Error(`the app exited (${exited}) before it was ready; see ${path.join(dataDir, "app.log")}`);
    if (await fetch(`http://127.0.0.1:${port}/api/health`).then((r) => r.ok || r.status < 500, () => false)) return child;
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  child.kill("SIGTERM");
  throw new Error("the app did not answer /api/health within 20 minutes");
}

async function stopApp(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  await new Promise<void>((resolve) => {
    const killer = setTimeout(() => child.kill("SIGKILL"), 30_000);
    child.once("exit", () => {
      clearTimeout(killer);
      resolve();
    });
    child.kill("SIGTERM"); // the launcher stops the web server, the worker and the monitor
  });
}

async function signIn(context: BrowserContext, role: Role): Promise<void> {
  let lastError: Error | null = null;
  // A click before the form has hydrated posts nothing: try again on a fresh page, as a person would.
  for (let attempt = 1; attempt <= 3; attempt++) {
    const page = await context.newPage();
    try {
      await page.goto("/login", { waitUntil: "domcontentloaded" });
      await page.waitForLoadState("networkidle", { timeout: 10_000 }).catch(() => undefined);
      await page.getByLabel(/email/i).fill(PEOPLE[role].email);
      await page.getByLabel(/password/i).fill(PASSWORD);
      await page.getByRole("button", { name: /sign in/i }).click();
      await page.waitForURL((url) => !url.pathname.startsWith("/login"), { timeout: 20_000 });
      return;
    } catch (error) {
      lastError = error as Error;
    } finally {
      await page.close();
    }
  }
  throw new Error(`signing in as ${role} failed: ${lastError?.message.split("\n")[0]}`);
}

/** Waits until the page has its heading and its requests have calmed down (pages that poll never go fully idle). */
async function settle(page: Page): Promise<void> {
  await page.waitForLoadState("networkidle", { timeout: 15_000 }).catch(() => undefined);
  await page.locator("h1").first().waitFor({ state: "visible", timeout: 20_000 }).catch(() => undefined);
  await page.waitForTimeout(600);
}

/** A page that rendered an error is a failure, not a picture. */
async function assertRendered(page: Page, signedIn: boolean): Promise<void> {
  const text = (await page.locator("body").innerText({ timeout: 5_000 })).slice(0, 20_000);
  const broken = /Application error|Internal Server Error|This page could not be found|Unhandled Runtime Error/i.exec(text);
  if (broken) throw new Error(`the page shows "${broken[0]}"`);
  if (signedIn && new URL(page.url()).pathname.startsWith("/login")) throw new Error("the page sent us to the sign-in form");
}

const SHOTS: Shot[] = [
  { name: "00-sign-in", role: null, url: () => "/login" },
  { name: "01-datasets", role: "ml_lead", url: () => "/datasets" },
  {
    name: "02-dataset-grid",
    role: "ml_lead",
    url: (s) => `/datasets/${s.datasetId}`,
    prepare: async (page) => {
      await page.getByTestId("image-tile").first().waitFor({ timeout: 20_000 });
      // Thumbnails load lazily: give them a moment.
      await page.waitForLoadState("networkidle", { timeout: 10_000 }).catch(() => undefined);
      await page.waitForTimeout(800);
    },
  },
  { name: "03-dataset-statistics", role: "ml_lead", url: (s) => `/datasets/${s.datasetId}/stats`, prepare: (page) => page.waitForTimeout(1200) },
  { name: "04-dataset-imports", role: "ml_lead", url: (s) => `/datasets/${s.datasetId}/imports` },
  { name: "05-sample-import-report", role: "ml_lead", url: (s) => (s.importRunId ? `/datasets/${s.datasetId}/imports/${s.importRunId}` : `/datasets/${s.datasetId}/imports`) },
  {
    name: "06-import-form",
    role: "ml_lead",
    url: () => "/datasets/import",
    prepare: async (page, s) => {
      await page.getByLabel("Dataset name").fill("lobby-camera");
      await page.getByTestId("zip-input").setInputFiles({ name: "lobby-camera.zip", mimeType: "application/zip", buffer: s.importZip });
      await page.waitForTimeout(300);
    },
  },
  {
    name: "07-import-report",
    role: "ml_lead",
    url: () => "/datasets/import",
    prepare: async (page, s) => {
      await page.getByLabel("Dataset name").fill("lobby-camera");
      await page.getByTestId("zip-input").setInputFiles({ name: "lobby-camera.zip", mimeType: "application/zip", buffer: s.importZip });
      await page.getByRole("button", { name: /^import$/i }).click();
      await page.getByRole("heading", { name: "Verification report" }).waitFor({ timeout: 120_000 });
      await settle(page);
    },
  },
  { name: "08-label-queues", role: "annotator", url: () => "/label" },
  {
    name: "09-editor",
    role: "annotator",
    url: (s) => `/label/${s.crowdedImageId}`,
    prepare: async (page) => {
      await page.locator("canvas").first().waitFor({ timeout: 30_000 });
      await page.waitForTimeout(1500);
    },
  },
  {
    name: "10-editor-help",
    role: "annotator",
    url: (s) => `/label/${s.crowdedImageId}`,
    prepare: async (page) => {
      await page.locator("canvas").first().waitFor({ timeout: 30_000 });
      await page.waitForTimeout(1000);
      await page.keyboard.press("?");
      await page.getByRole("dialog").first().waitFor({ timeout: 10_000 });
      await page.waitForTimeout(400);
    },
  },
  { name: "11-train", role: "ml_lead", url: () => "/train" },
  { name: "12-training-job", role: "ml_lead", url: (s) => `/train/${s.jobId}`, prepare: (page) => page.waitForTimeout(1000) },
  { name: "13-models-benchmark", role: "ml_lead", url: () => "/models?split=test", prepare: (page) => page.waitForTimeout(1200) },
  { name: "14-evaluation", role: "ml_lead", url: (s) => evaluationUrl(s, ""), prepare: (page) => page.waitForTimeout(1500) },
  { name: "15-evaluation-errors", role: "ml_lead", url: (s) => evaluationUrl(s, "/errors"), prepare: (page) => page.waitForTimeout(1500) },
  { name: "16-evaluation-label-issues", role: "reviewer", url: (s) => evaluationUrl(s, "/label-issues"), prepare: (page) => page.waitForTimeout(1500) },
  {
    name: "17-try",
    role: "annotator",
    url: () => "/try",
    prepare: async (page, s) => {
      // The model in production is the page's default choice.
      await page.getByTestId("backend").filter({ hasText: /^(webgpu|webgl|wasm|cpu)$/ }).waitFor({ timeout: 120_000 });
      await page.getByLabel("Image to detect on").setInputFiles({ name: "sample.png", mimeType: "image/png", buffer: s.tryImagePng });
      await page.getByTestId("detection-count").filter({ hasText: /^\d+$/ }).waitFor({ timeout: 120_000 });
      await page.waitForTimeout(500);
    },
  },
  { name: "18-monitor", role: "reviewer", url: () => "/monitor", prepare: (page) => page.waitForTimeout(1500) },
  { name: "19-alerts", role: "reviewer", url: () => "/monitor/alerts" },
  { name: "20-alert", role: "reviewer", url: (s) => (s.alertId ? `/monitor/alerts/${s.alertId}` : "/monitor/alerts/none"), prepare: (page) => page.waitForTimeout(1500) },
  { name: "21-account", role: "annotator", url: () => "/account" },
  { name: "22-users", role: "admin", url: () => "/admin/users" },
  { name: "23-api-keys", role: "ml_lead", url: () => "/settings/api-keys" },
  { name: "24-audit-log", role: "admin", url: () => "/admin/audit" },
  { name: "25-api-docs", role: "ml_lead", url: () => "/docs/api" },
];

function evaluationUrl(s: Seeded, tab: string): string {
  if (!s.evaluationId) throw new Error("training stored no test-split evaluation");
  return `/models/evaluations/${s.evaluationId}${tab}`;
}

main().then(
  (code) => process.exit(code),
  (error: Error) => {
    console.error(`screenshots failed: ${error.stack ?? error.message}`);
    process.exit(1);
  },
);
