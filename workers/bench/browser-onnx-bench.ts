import { existsSync } from "node:fs";
import sharp from "sharp";
import { withAppUnderTest } from "./app-under-test";
import { percentile, round, type BenchRow } from "./bench-row";
import { BACKENDS, benchPhoto, CHROMIUM, launchChromium, measureOnTryPage, tryPageOption } from "./browser-bench";
import { registerOneStageTwins } from "./onnx-bench";

const PORT = 3413;
const WARM_UP = 3;
const RUNS = 25;
/** Room for RUNS on TF.js's WebGL on SwiftShader (about 1.5 s a run here). */
const WARM_BUDGET_MS = 120_000;

/** What runs: the same network as each runtime, on the backend set on the Try page. */
const COMBINATIONS = [
  { format: "tfjs", setting: "auto", chromium: "wasm" },
  { format: "onnx", setting: "auto", chromium: "wasm" },
  { format: "tfjs", setting: "webgl", chromium: "webgl" },
] as const;

/**
 * `npm run bench -- onnx` on the server, in the browser: the same MLD-1S-n at 416 px as
 * TF.js and as its ONNX export (registered by onnx-bench's registerOneStageTwins into the app's
 * data folder), each loaded on the Try page of the running app in headless Chromium through the
 * product path (the inference worker; TF.js or onnxruntime-web by masklab.json's format). Cold
 * load (download + deserialise + weights / session), first inference, then p50/p95 of the page's
 * Latency over RUNS runs after WARM_UP. wasm for both runtimes (what `auto` takes without a
 * hardware GPU; onnxruntime-web gets 1 thread, the page not being cross-origin isolated), and
 * TF.js's WebGL on SwiftShader for reference (onnxruntime-web has no WebGL here).
 */
export async function browserOnnxBenchmarks(): Promise<BenchRow[]> {
  if (!existsSync(CHROMIUM)) return [{ benchmark: "ONNX vs TF.js in the browser", value: "–", unit: "", notes: `skipped: no Chromium at ${CHROMIUM}` }];
  return withAppUnderTest("browser-onnx", PORT, async (app) => {
    const dataset = await app.db.dataset.findFirstOrThrow({ orderBy: { createdAt: "asc" } });
    const { tfjsVersion, onnxVersion, parameterCount } = await registerOneStageTwins(dataset.id, app);
    const ids = { tfjs: tfjsVersion.id, onnx: onnxVersion.id };
    const options = { tfjs: await tryPageOption(app.db, tfjsVersion.id), onnx: await tryPageOption(app.db, onnxVersion.id) };
    const photo = await benchPhoto();
    const { width, height } = await sharp(photo).metadata();
    const rows: BenchRow[] = [];
    for (const { format, setting, chromium } of COMBINATIONS) {
      // The newest version is the one the Try page loads by itself: its first load in a fresh context is the measured one, truly cold.
      await app.db.modelVersion.update({ where: { id: ids[format] }, data: { createdAt: new Date() } });
      const browser = await launchChromium(BACKENDS.find((b) => b.backend === chromium)!.args);
      try {
        const isolation = await (async () => {
          const context = await browser.newContext();
          const page = await context.newPage();
          await page.goto(`${app.base}/api/health`);
          const facts = await page.evaluate(() => ({ isolated: self.crossOriginIsolated, cores: navigator.hardwareConcurrency }));
          await context.close();
          return facts;
        })();
        const m = await measureOnTryPage(browser, app, options[format], setting, photo, { warmRuns: RUNS, warmUp: WARM_UP, warmBudgetMs: WARM_BUDGET_MS });
        const label = `browser MLD-1S-n 416 px: ${m.runtime === "tfjs" ? "TF.js" : m.runtime} on ${m.backend}${m.backend === "wasm" ? `, ${isolation.isolated ? "threads" : "1 thread"}` : ""}`;
        const asked = setting === "auto" ? " (auto)" : m.backend === setting ? "" : ` (asked ${setting}, got ${m.backend})`;
        const common = `cold load ${round(m.coldLoad, 0)} ms${m.cached ? " (files from the browser cache: loaded on auto first)" : ""}, first inference ${round(m.first, 0)} ms, ${m.detections} detections${asked}; ${format === "onnx" ? "the ONNX export" : "the TF.js artifact"}, ${round(((format === "onnx" ? onnxVersion : tfjsVersion).sizeBytes ?? NaN) / 1024 ** 2)} MB`;
        if (m.latencies.length === 0) {
          rows.push({ benchmark: label, value: "–", unit: "", notes: `${common}; no warm run finished` });
          continue;
        }
        process.stdout.write(`  ${m.runtime} on ${m.backend}: first ${round(m.first, 0)} ms, p50 ${round(percentile(m.latencies, 50), 0)} ms\n`);
        rows.push({
          benchmark: label,
          value: round(percentile(m.latencies, 50), 0),
          unit: "ms p50",
          notes: `p95 ${round(percentile(m.latencies, 95), 0)} ms (${m.latencies.length} runs after ${WARM_UP} warm-ups + the first); ${common}; ${parameterCount.toLocaleString("en")} parameters, ${width}×${height} photo; headless Chromium, crossOriginIsolated ${isolation.isolated}, ${isolation.cores} cores`,
        });
      } finally {
        await browser.close();
      }
    }
    return rows;
  });
}
