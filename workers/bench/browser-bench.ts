import { existsSync } from "node:fs";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { chromium, type Browser } from "@playwright/test";
import sharp from "sharp";
import { DETECTOR_FAMILY_CATALOGUE, DETECTOR_FAMILY_IDS } from "@/lib/domain/detector-families";
import { generateScene, sceneToSvg } from "@/lib/domain/synthetic-scene";
import { modelChoices } from "@/lib/server/models/model-registry";
import { registerServedModel } from "@/lib/server/testing/served-model";
import { withAppUnderTest, type AppUnderTest } from "./app-under-test";
import { percentile, round, type BenchRow } from "./bench-row";

const PORT = 3412;
export const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const WARM_RUNS = 10;
/** A backend whose first inference takes longer than this (MLD-2S on SwiftShader's WebGPU) is reported as such, not waited for. */
const FIRST_INFERENCE_BUDGET_MS = 120_000;
/** Warm runs stop early once a combination has used this much time (at least 3 are measured). */
const WARM_BUDGET_MS = 60_000;

/** How each backend is reached in headless Chromium here: WebGPU on SwiftShader's adapter, WebGL on SwiftShader (ANGLE), wasm. */
export const BACKENDS = [
  { backend: "webgpu", args: ["--enable-unsafe-webgpu", "--use-webgpu-adapter=swiftshader", "--enable-features=Vulkan", "--use-angle=swiftshader"] },
  { backend: "webgl", args: ["--use-angle=swiftshader", "--enable-unsafe-swiftshader"] },
  { backend: "wasm", args: ["--disable-gpu"] },
] as const;

export const launchChromium = (args: readonly string[]) => chromium.launch({ executablePath: CHROMIUM, args: ["--headless", "--no-sandbox", ...args] });

/** One model on one backend setting, as the Try page shows it: what ran, and its timings in ms. */
export interface TryPageMeasurement {
  /** the backend and runtime the page says the model runs on */
  backend: string;
  runtime: string;
  coldLoad: number;
  /** the model's files came from the browser's model cache (the page loaded them once before, under another setting) */
  cached: boolean;
  /** NaN when the first inference ran past its budget */
  first: number;
  /** the warm runs' Latency, sorted */
  latencies: number[];
  /** a warm run timed out */
  tooSlow: boolean;
  /** the first run's detections as the page lists them */
  detections: number;
}

/** A model version's option on the Try page's Model drop-down (components/inference/model-select.tsx). */
export async function tryPageOption(db: AppUnderTest["db"], modelId: string): Promise<string> {
  const choice = (await modelChoices(db)).find((m) => m.id === modelId);
  if (!choice) throw new Error(`model version ${modelId} is not offered on the Try page`);
  return `${choice.label}${choice.format === "onnx" ? " · ONNX" : ""}${choice.production ? " (production)" : ""}`;
}

/**
 * Opens the Try page in a fresh browser context (an empty model cache) and waits for the model it
 * loads by itself (the newest, on auto); then picks `modelOption` and `backend` on its drop-downs
 * where they differ (each a load of its own), then drops `photo` on it `1 + warmUp + warmRuns`
 * times: the first run's First inference, then warmUp untimed runs, then each run's Latency (the
 * worker's detect(): letterbox, normalisation, the model, decoding, NMS). Warm runs stop early
 * once `warmBudgetMs` is spent (at least 3 measured).
 */
export async function measureOnTryPage(
  browser: Browser,
  app: Pick<AppUnderTest, "base" | "cookies">,
  modelOption: string,
  backend: string,
  photo: Buffer,
  { warmRuns = WARM_RUNS, warmUp = 0, warmBudgetMs = WARM_BUDGET_MS } = {},
): Promise<TryPageMeasurement> {
  const context = await browser.newContext();
  try {
    await context.addCookies(app.cookies.map((c) => ({ ...c, url: app.base })));
    const page = await context.newPage();
    await page.goto(`${app.base}/try`);
    const shown = page.getByTestId("backend");
    const loaded = () => shown.filter({ hasText: /^(webgpu|webgl|wasm|cpu)$/ }).waitFor({ timeout: 180_000 });
    const choose = async (name: string, option: string) => {
      const combobox = page.getByRole("combobox", { name });
      if ((await combobox.textContent())?.replace("▾", "").trim() === option) return;
      await combobox.click();
      await page.getByRole("option", { name: option, exact: true }).click();
      await loaded();
    };
    await loaded();
    await choose("Model", modelOption);
    await choose("Backend", backend);
    const actual = (await shown.textContent())!;
    const runtime = (await page.getByTestId("runtime").textContent()) ?? "";
    const statText = async (label: string) => (await page.locator("dt", { hasText: label }).locator("xpath=following-sibling::dd").textContent()) ?? "";
    const stat = async (label: string) => Number(/([\d.]+) ms/.exec(await statText(label))?.[1] ?? NaN);
    const coldLoad = await stat("Cold load");
    const cached = (await statText("Cold load")).includes("cached");
    const latencies: number[] = [];
    let first = NaN;
    let detections = 0;
    let warmStarted = performance.now();
    let tooSlow = false;
    for (let i = 0; i <= warmUp + warmRuns; i++) {
      await page.getByLabel("Image to detect on").setInputFiles({ name: `photo-${i}.jpg`, mimeType: "image/jpeg", buffer: photo });
      const done = page.locator(`dl[data-runs="${i + 1}"]`).waitFor({ timeout: i === 0 ? FIRST_INFERENCE_BUDGET_MS : 180_000 });
      if (!(await done.then(() => true, () => false))) {
        tooSlow = true;
        break;
      }
      if (i === 0) {
        first = await stat("First inference");
        detections = Number(await page.getByTestId("detection-count").textContent());
      } else if (i > warmUp) latencies.push(await stat("Latency"));
      if (warmUp > 0 && i === warmUp) warmStarted = performance.now();
      if (latencies.length >= 3 && performance.now() - warmStarted > warmBudgetMs) break;
    }
    return { backend: actual, runtime, coldLoad, cached, first, latencies: latencies.sort((a, b) => a - b), tooSlow, detections };
  } finally {
    await context.close();
  }
}

/**
 * In-browser inference as the Try page runs it (the inference worker, the shared lib/detection
 * code), per backend and model kind at the size it trains at (416 px): cold load (artifact
 * download + deserialise + weights on the backend), first inference (shader compilation) and warm
 * p50/p95 per image. Software adapters only on this CPU machine: a floor to track, not a goal.
 */
export async function browserBenchmarks(): Promise<BenchRow[]> {
  if (!existsSync(CHROMIUM)) return [{ benchmark: "in-browser inference", value: "–", unit: "", notes: `skipped: no Chromium at ${CHROMIUM}` }];
  return withAppUnderTest("browser", PORT, async (app) => {
    const rows: BenchRow[] = [];
    const dataset = await app.db.dataset.findFirstOrThrow();
    const models: Array<{ kind: string; option: string }> = [];
    for (const family of DETECTOR_FAMILY_IDS) models.push({ kind: `${DETECTOR_FAMILY_CATALOGUE[family].name}-n`, option: await tryPageOption(app.db, (await registerServedModel(dataset.id, app, 416, family)).id) });
    const photo = await benchPhoto();
    for (const { backend, args } of BACKENDS) {
      const browser = await launchChromium(args);
      try {
        for (const model of models) {
          const { backend: actual, coldLoad, first, latencies, tooSlow } = await measureOnTryPage(browser, app, model.option, backend, photo);
          if (tooSlow && latencies.length === 0) {
            rows.push({ benchmark: `browser ${model.kind} 416 px on ${actual}`, value: "–", unit: "", notes: `cold load ${round(coldLoad, 0)} ms; ${Number.isNaN(first) ? `first inference over ${FIRST_INFERENCE_BUDGET_MS / 1000} s, not measured further` : "a warm run timed out"}; headless Chromium, software adapter` });
            continue;
          }
          process.stdout.write(`  ${model.kind} on ${actual}: first ${round(first, 0)} ms, p50 ${round(percentile(latencies, 50), 0)} ms\n`);
          const note = actual === backend ? "" : ` (asked ${backend}, got ${actual})`;
          rows.push({ benchmark: `browser ${model.kind} 416 px on ${actual}`, value: round(percentile(latencies, 50), 0), unit: "ms p50", notes: `p95 ${round(percentile(latencies, 95), 0)} ms (${latencies.length} runs); cold load ${round(coldLoad, 0)} ms, first inference ${round(first, 0)} ms${note}; headless Chromium, software adapter` });
        }
      } finally {
        await browser.close();
      }
    }
    return rows;
  });
}

/** The photo every in-browser bench drops on the Try page: a real face-mask photo when the dataset is here, else a synthetic scene. */
export async function benchPhoto(): Promise<Buffer> {
  const dir = path.resolve(process.env.MASKLAB_REAL_DATASET ?? "../shared/datasets/facemask-dev", "JPEGImages");
  if (existsSync(dir)) return readFile(path.join(dir, (await readdir(dir)).sort()[4]!));
  return sharp(Buffer.from(sceneToSvg(generateScene(3, 0)))).jpeg().toBuffer();
}
