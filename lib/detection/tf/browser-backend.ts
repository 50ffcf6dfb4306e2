/**
 * Which TF.js backend the browser's inference worker uses: a pure decision from the user's
 * setting, what the browser offers (the probing is in the worker) and, where that is not enough,
 * a short measurement (browser-backend-benchmark.ts).
 *
 * "auto" never runs on a software adapter or renderer (SwiftShader, llvmpipe, WARP, a fallback
 * adapter): there a detector takes seconds per image where wasm takes a few hundred ms. A GPU
 * backend on a hardware adapter is taken as it comes (webgpu before webgl); when a GPU backend's
 * adapter does not say what it is, the candidates are measured and the fastest wins. An explicit
 * setting runs as set (with a warning on a software adapter); one the browser lacks falls back
 * down the list, past software adapters, and says so.
 *
 * The same rules choose onnxruntime-web's execution provider for ONNX models: the worker offers
 * only the backends that runtime has (webgpu, wasm), marking webgl and cpu unavailable.
 */
import { BROWSER_BACKEND_SETTINGS, BROWSER_BACKENDS, type BackendTiming, type BackendTimings, type BrowserBackend, type BrowserBackendSetting, type BrowserRuntime } from "@/lib/contracts/worker-messages";
import { classifyRendererText, classifyWebGpuAdapter, softwareAdapterName, softwareRendererName, type AdapterKind, type WebGpuAdapterInfo } from "./backend-selection";

/** The backends that run on a graphics adapter, and so may run on a software one. */
const GPU_BACKENDS: ReadonlySet<BrowserBackend> = new Set(["webgpu", "webgl"]);
const ADAPTER_WORD: Record<"webgpu" | "webgl", string> = { webgpu: "adapter", webgl: "renderer" };

/** The graphics adapter a GPU backend would run on: its kind and a name to show ("SwiftShader", "nvidia ampere"). */
export interface BrowserAdapter {
  kind: AdapterKind;
  name: string;
}

/** What a probe found for one backend: available (GPU backends say on which adapter), or why not. */
export type BrowserBackendProbe = { available: true; adapter?: BrowserAdapter } | { available: false; problem: string };
/** What the probes found. A backend left out counts as unavailable, except cpu (TF.js always has it; a runtime without one says so). */
export type BrowserAvailability = Partial<Record<BrowserBackend, BrowserBackendProbe>>;

/** Measurements for a choice; remembered ones came from an earlier visit in this browser. */
export interface BackendMeasurement {
  timings: BackendTimings;
  remembered: boolean;
}

export interface BrowserBackendChoice {
  backend: BrowserBackend;
  /** the order to try if initialising the chosen one fails after all */
  fallbacks: BrowserBackend[];
  /** one line for the page: which backend, and why */
  reason: string;
  /** set when the chosen backend runs on a software adapter (only ever an explicit setting) */
  warning: string | null;
}

/** "auto" with an adapter that does not say what it is: measure these, then choose again with the timings. */
export interface BrowserBackendMeasureFirst {
  measure: BrowserBackend[];
}

export function isBrowserBackendSetting(value: unknown): value is BrowserBackendSetting {
  return typeof value === "string" && (BROWSER_BACKEND_SETTINGS as readonly string[]).includes(value);
}

/** A WebGPU adapter's info (GPUAdapterInfo plus the fallback flag) as an adapter. */
export function webGpuAdapter(info: Partial<WebGpuAdapterInfo>): BrowserAdapter {
  const kind = classifyWebGpuAdapter(info);
  if (kind === "software") return { kind, name: softwareAdapterName(info) };
  const name = info.description || [info.vendor, info.architecture].filter((part) => part).join(" ");
  return { kind, name: name || "unnamed adapter" };
}

/** A WebGL renderer string (WEBGL_debug_renderer_info's, else RENDERER) as an adapter; masked strings ("WebKit WebGL") are unknown. */
export function webGlAdapter(renderer: string): BrowserAdapter {
  const kind = classifyRendererText(renderer);
  return { kind, name: (kind === "software" ? softwareRendererName(renderer) : renderer.trim()) || "unnamed renderer" };
}

/** Seconds with two significant digits: "0.35 s", "3.1 s", "17 s". */
export function formatSeconds(ms: number): string {
  const seconds = ms / 1000;
  return `${seconds >= 10 ? seconds.toFixed(0) : seconds.toPrecision(2)} s`;
}

export const BENCHMARK_KEY_PREFIX = "masklab.backendTimings:";

/** Where the measurements for one runtime, model input size and candidate set are remembered in this browser. */
export function benchmarkKey(userAgent: string, runtime: BrowserRuntime, inputSize: number, candidates: readonly BrowserBackend[]): string {
  return `${BENCHMARK_KEY_PREFIX}${userAgent}:${runtime}:${inputSize}:${candidates.join(",")}`;
}

const adapterOf = (availability: BrowserAvailability, backend: BrowserBackend): BrowserAdapter | undefined => {
  const probe = availability[backend];
  return probe?.available ? probe.adapter : undefined;
};
const isSoftware = (availability: BrowserAvailability, backend: BrowserBackend) => adapterOf(availability, backend)?.kind === "software";
const usable = (availability: BrowserAvailability, backend: BrowserBackend) => availability[backend]?.available ?? backend === "cpu";
/** cpu as the last resort, where the runtime has it. */
const cpuLast = (availability: BrowserAvailability): BrowserBackend[] => (usable(availability, "cpu") ? ["cpu"] : []);

/** Why a backend is not a candidate, e.g. "webgpu skipped: software adapter (SwiftShader)". */
function skipNote(availability: BrowserAvailability, backend: BrowserBackend): string {
  const probe = availability[backend];
  if (!probe) return `${backend}: not available`;
  if (!probe.available) return `${backend}: ${probe.problem}`;
  return `${backend} skipped: software ${backend === "webgl" ? "renderer" : "adapter"} (${probe.adapter?.name ?? "unnamed"})`;
}

function timingText(backend: BrowserBackend, timing: BackendTiming | undefined): string {
  if (!timing) return `${backend} not measured`;
  return "ms" in timing ? `${backend} ${formatSeconds(timing.ms)}` : `${backend} abandoned (${timing.abandoned})`;
}

/** Fastest first; abandoned or unmeasured candidates after every measured one, in their order. */
function byMeasuredSpeed(candidates: readonly BrowserBackend[], timings: BackendTimings): BrowserBackend[] {
  const ms = (b: BrowserBackend) => {
    const t = timings[b];
    return t && "ms" in t ? t.ms : Number.POSITIVE_INFINITY;
  };
  return [...candidates].sort((a, b) => ms(a) - ms(b));
}

/** "auto: wasm — webgpu skipped: software adapter (SwiftShader); webgl: no WebGL2 — measured wasm 0.35 s vs webgl 3.1 s" */
const autoReason = (backend: BrowserBackend, why: string, notes: string[], measured: string) =>
  [`auto: ${backend}`, why, notes.join("; "), measured].filter((part) => part !== "").join(" — ");

function chooseAuto(availability: BrowserAvailability, measurement?: BackendMeasurement): BrowserBackendChoice | BrowserBackendMeasureFirst {
  const skipped = BROWSER_BACKENDS.filter((b) => b !== "cpu" && (!usable(availability, b) || isSoftware(availability, b)));
  const candidates = BROWSER_BACKENDS.filter((b) => b !== "cpu" && !skipped.includes(b));
  const notes = skipped.map((b) => skipNote(availability, b));
  const first = candidates[0];
  const unsure = candidates.some((b) => GPU_BACKENDS.has(b) && adapterOf(availability, b)?.kind !== "hardware");
  const firstIsHardwareGpu = first !== undefined && GPU_BACKENDS.has(first) && adapterOf(availability, first)?.kind === "hardware";
  if (candidates.length <= 1 || firstIsHardwareGpu || !unsure) {
    const backend = first ?? "cpu";
    const adapter = adapterOf(availability, backend);
    const why = adapter && (backend === "webgpu" || backend === "webgl") ? `${adapter.kind} ${ADAPTER_WORD[backend]} (${adapter.name})` : "";
    return { backend, fallbacks: [...candidates.slice(1), ...(backend === "cpu" ? [] : cpuLast(availability))], reason: autoReason(backend, why, notes, ""), warning: null };
  }
  if (!measurement || candidates.some((b) => measurement.timings[b] === undefined)) return { measure: candidates };
  const ranked = byMeasuredSpeed(candidates, measurement.timings);
  const fastest = ranked[0]!;
  const winnerTiming = measurement.timings[fastest];
  // Nothing finished a measurement: keep the probe order, the safest guess.
  const order = winnerTiming && "ms" in winnerTiming ? ranked : candidates;
  const backend = order[0]!;
  const measured = `measured ${order.map((b) => timingText(b, measurement.timings[b])).join(" vs ")}${measurement.remembered ? " (remembered for this browser)" : ""}`;
  return { backend, fallbacks: [...order.slice(1), ...cpuLast(availability)], reason: autoReason(backend, "", notes, measured), warning: null };
}

/**
 * The backend for `setting` given what the browser offers. "auto" may answer `{ measure }`: run
 * those candidates (browser-backend-benchmark.ts) and ask again with the measurement.
 */
export function chooseBrowserBackend(setting: BrowserBackendSetting, availability: BrowserAvailability, measurement?: BackendMeasurement): BrowserBackendChoice | BrowserBackendMeasureFirst {
  if (setting === "auto") return chooseAuto(availability, measurement);
  if (usable(availability, setting)) {
    const below = BROWSER_BACKENDS.slice(BROWSER_BACKENDS.indexOf(setting) + 1).filter((b) => usable(availability, b) && !isSoftware(availability, b));
    const adapter = adapterOf(availability, setting);
    const warning =
      adapter?.kind === "software"
        ? `${setting} runs on a software ${ADAPTER_WORD[setting as "webgpu" | "webgl"]} here (${adapter.name}): expect seconds per image; auto or wasm is much faster on this machine`
        : null;
    return { backend: setting, fallbacks: below, reason: `${setting}, as set`, warning };
  }
  // Down the list from the setting, past software adapters: the user asked for something else.
  // Only a runtime without cpu (onnxruntime-web) can have nothing below the setting: then the nearest above.
  const fine = (b: BrowserBackend) => usable(availability, b) && !isSoftware(availability, b);
  const at = BROWSER_BACKENDS.indexOf(setting);
  const below = BROWSER_BACKENDS.slice(at).filter(fine);
  const rest = below.length > 0 ? below : BROWSER_BACKENDS.slice(0, at).filter(fine).reverse();
  const backend = rest[0] ?? "cpu";
  const passed = (below.length > 0 ? BROWSER_BACKENDS.slice(at, BROWSER_BACKENDS.indexOf(backend)) : [setting]).map((b) => skipNote(availability, b));
  return { backend, fallbacks: rest.slice(1), reason: `${setting} was set but is unavailable (${passed.join("; ")}); using ${backend}`, warning: null };
}

/** Narrows chooseBrowserBackend's answer. */
export function needsMeasuring(answer: BrowserBackendChoice | BrowserBackendMeasureFirst): answer is BrowserBackendMeasureFirst {
  return "measure" in answer;
}
