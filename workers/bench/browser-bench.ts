import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { chromium } from "@playwright/test";
import sharp from "sharp";
import { generateScene, sceneToSvg } from "@/lib/domain/synthetic-scene";
import { createDb } from "@/lib/server/db";
import { LocalBlobStore } from "@/lib/server/storage";
import { registerServedModel } from "@/lib/server/testing/served-model";
import { percentile, round, type BenchRow } from "./bench-row";

const PORT = 3412;
const BASE = `http://127.0.0.1:${PORT}`;
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const SETUP_TOKEN = "bench-setup-token-0123456789-abcdefghijkl";
const WARM_RUNS = 10;

/** How each backend is reached in headless Chromium here: WebGPU on SwiftShader's adapter, WebGL on SwiftShader (ANGLE), wasm. */
const BACKENDS = [
  { backend: "webgpu", args: ["--enable-unsafe-webgpu", "--use-webgpu-adapter=swiftshader", "--enable-features=Vulkan", "--use-angle=swiftshader"] },
  { backend: "webgl", args: ["--use-angle=swiftshader", "--enable-unsafe-swiftshader"] },
  { backend: "wasm", args: ["--disable-gpu"] },
] as const;

/**
 * In-browser inference as the Try page runs it (the inference worker, the shared lib/detection
 * code), per backend and model kind at the size it trains at (416 px): cold load (artifact
 * download + deserialise + weights on the backend), first inference (shader compilation) and warm
 * p50/p95 per image. Software adapters only on this CPU machine: a floor to track, not a goal.
 */
export async function browserBenchmarks(): Promise<BenchRow[]> {
  if (!existsSync(CHROMIUM)) return [{ benchmark: "in-browser inference", value: "–", unit: "", notes: `skipped: no Chromium at ${CHROMIUM}` }];
  const work = await mkdtemp(path.join(os.tmpdir(), "masklab-bench-browser-"));
  const app = spawn(process.execPath, ["--import", "tsx", "workers/start.ts"], {
    env: { ...process.env, DATA_DIR: work, PORT: String(PORT), HOST: "127.0.0.1", DATABASE_URL: "", MASKLAB_SETUP_TOKEN: SETUP_TOKEN },
    stdio: "ignore",
  });
  const rows: BenchRow[] = [];
  try {
    await waitForApp();
    const cookies = await signIn();
    const db = createDb(`file:${path.join(work, "masklab.db")}`);
    const store = new LocalBlobStore(path.join(work, "blobs"));
    const dataset = await db.dataset.findFirstOrThrow();
    const models = [
      { kind: "MLD-1S-n", id: (await registerServedModel(dataset.id, { store, db }, 416, "one_stage")).id },
      { kind: "MLD-2S-n", id: (await registerServedModel(dataset.id, { store, db }, 416, "two_stage")).id },
    ];
    await db.$disconnect();
    const photo = await benchPhoto();
    for (const { backend, args } of BACKENDS) {
      const browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--headless", "--no-sandbox", ...args] });
      try {
        for (const model of models) {
          const context = await browser.newContext();
          await context.addCookies(cookies.map((c) => ({ ...c, url: BASE })));
          const page = await context.newPage();
          await page.goto(`${BASE}/try`);
          await page.getByRole("combobox", { name: "Backend" }).selectOption(backend);
          await page.getByRole("combobox", { name: "Model" }).selectOption(model.id);
          const shown = page.getByTestId("backend");
          await shown.filter({ hasText: /^(webgpu|webgl|wasm|cpu)$/ }).waitFor({ timeout: 180_000 });
          const actual = (await shown.textContent())!;
          const stat = async (label: string) => Number(/([\d.]+) ms/.exec((await page.locator("dt", { hasText: label }).locator("xpath=following-sibling::dd").textContent()) ?? "")?.[1] ?? NaN);
          const coldLoad = await stat("Cold load");
          const latencies: number[] = [];
          let first = NaN;
          for (let i = 0; i <= WARM_RUNS; i++) {
            const before = await page.getByTestId("latency").textContent();
            await page.getByLabel("Image to detect on").setInputFiles({ name: `photo-${i}.jpg`, mimeType: "image/jpeg", buffer: photo });
            await page.waitForFunction((previous) => document.querySelector("[data-testid=latency]")?.textContent !== previous || previous === null, before, { timeout: 180_000 });
            await page.getByTestId("latency").filter({ hasText: /ms/ }).waitFor();
            if (i === 0) first = await stat("First inference");
            else latencies.push(await stat("Latency"));
          }
          latencies.sort((a, b) => a - b);
          const note = actual === backend ? "" : ` (asked ${backend}, got ${actual})`;
          rows.push({ benchmark: `browser ${model.kind} 416 px on ${actual}`, value: round(percentile(latencies, 50), 0), unit: "ms p50", notes: `p95 ${round(percentile(latencies, 95), 0)} ms; cold load ${round(coldLoad, 0)} ms, first inference ${round(first, 0)} ms${note}; headless Chromium, software adapter` });
          await context.close();
        }
      } finally {
        await browser.close();
      }
    }
  } finally {
    app.kill("SIGTERM");
    await new Promise((resolve) => app.once("exit", resolve));
    await rm(work, { recursive: true, force: true });
  }
  return rows;
}

async function benchPhoto(): Promise<Buffer> {
  const dir = path.resolve(process.env.MASKLAB_REAL_DATASET ?? "../shared/datasets/facemask-dev", "JPEGImages");
  if (existsSync(dir)) return readFile(path.join(dir, (await readdir(dir)).sort()[4]!));
  return sharp(Buffer.from(sceneToSvg(generateScene(3, 0)))).jpeg().toBuffer();
}

async function waitForApp(): Promise<void> {
  const deadline = Date.now() + 300_000;
  while (Date.now() < deadline) {
    if (await fetch(`${BASE}/api/health`).then((r) => r.ok, () => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error("the app did not start within 5 minutes");
}

async function signIn(): Promise<Array<{ name: string; value: string }>> {
  const response = await fetch(`${BASE}/api/auth/setup`, {
    method: "POST",
    headers: { "Content-Type": "application/json", Origin: BASE },
    body: JSON.stringify({ token: SETUP_TOKEN, email: "bench@masklab.test", name: "Bench", password: "bench password, long enough" }),
  });
  if (response.status !== 201) throw new Error(`setup failed: ${response.status} ${await response.text()}`);
  return response.headers.getSetCookie().map((c) => {
    const [name, ...value] = c.split(";")[0]!.split("=");
    return { name: name!, value: value.join("=") };
  });
}
