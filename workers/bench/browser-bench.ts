import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { chromium } from "@playwright/test";
import sharp from "sharp";
import { DETECTOR_FAMILY_CATALOGUE, DETECTOR_FAMILY_IDS } from "@/lib/domain/detector-families";
import { generateScene, sceneToSvg } from "@/lib/domain/synthetic-scene";
import { createDb } from "@/lib/server/platform/db";
import { LocalBlobStore } from "@/lib/server/platform/storage";
import { registerServedModel } from "@/lib/server/testing/served-model";
import { signInAsFirstAdmin, waitForApp } from "./app-under-test";
import { percentile, round, type BenchRow } from "./bench-row";

const PORT = 3412;
const BASE = `http://127.0.0.1:${PORT}`;
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const SETUP_TOKEN = "bench-setup-token-0123456789-abcdefghijkl";
const WARM_RUNS = 10;
/** A backend whose first inference takes longer than this (MLD-2S on SwiftShader's WebGPU) is reported as such, not waited for. */
const FIRST_INFERENCE_BUDGET_MS = 120_000;
/** Warm runs stop early once a combination has used this much time (at least 3 are measured). */
const WARM_BUDGET_MS = 60_000;

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
    await waitForApp(BASE);
    const cookies = await signInAsFirstAdmin(BASE, SETUP_TOKEN);
    const db = createDb(`file:${path.join(work, "masklab.db")}`);
    const store = new LocalBlobStore(path.join(work, "blobs"));
    const dataset = await db.dataset.findFirstOrThrow();
    const models: Array<{ kind: string; id: string }> = [];
    for (const family of DETECTOR_FAMILY_IDS) models.push({ kind: `${DETECTOR_FAMILY_CATALOGUE[family].name}-n`, id: (await registerServedModel(dataset.id, { store, db }, 416, family)).id });
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
          const warmStarted = performance.now();
          let tooSlow = false;
          for (let i = 0; i <= WARM_RUNS; i++) {
            await page.getByLabel("Image to detect on").setInputFiles({ name: `photo-${i}.jpg`, mimeType: "image/jpeg", buffer: photo });
            const done = page.locator(`dl[data-runs="${i + 1}"]`).waitFor({ timeout: i === 0 ? FIRST_INFERENCE_BUDGET_MS : 180_000 });
            if (!(await done.then(() => true, () => false))) {
              tooSlow = true;
              break;
            }
            if (i === 0) first = await stat("First inference");
            else latencies.push(await stat("Latency"));
            if (i >= 3 && performance.now() - warmStarted > WARM_BUDGET_MS) break;
          }
          if (tooSlow && latencies.length === 0) {
            rows.push({ benchmark: `browser ${model.kind} 416 px on ${actual}`, value: "–", unit: "", notes: `cold load ${round(coldLoad, 0)} ms; ${Number.isNaN(first) ? `first inference over ${FIRST_INFERENCE_BUDGET_MS / 1000} s, not measured further` : "a warm run timed out"}; headless Chromium, software adapter` });
            await context.close();
            continue;
          }
          latencies.sort((a, b) => a - b);
          process.stdout.write(`  ${model.kind} on ${actual}: first ${round(first, 0)} ms, p50 ${round(percentile(latencies, 50), 0)} ms\n`);
          const note = actual === backend ? "" : ` (asked ${backend}, got ${actual})`;
          rows.push({ benchmark: `browser ${model.kind} 416 px on ${actual}`, value: round(percentile(latencies, 50), 0), unit: "ms p50", notes: `p95 ${round(percentile(latencies, 95), 0)} ms (${latencies.length} runs); cold load ${round(coldLoad, 0)} ms, first inference ${round(first, 0)} ms${note}; headless Chromium, software adapter` });
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
