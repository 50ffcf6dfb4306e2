/**
 * Which TF.js backend the browser's inference worker uses: a pure decision from the user's
 * setting and what the browser offers (the probing is in the worker). Unlike the Node chooser,
 * a software WebGPU adapter (SwiftShader) is accepted in "auto": in a browser the alternative is
 * WebGL on the same software rasteriser, not native wasm threads, and WebGPU is the path the
 * product previews on. An explicit setting the browser cannot honour falls back down the list
 * and says so — in a browser the user can always read why, and a preview beats an error.
 */
export const BROWSER_BACKENDS = ["webgpu", "webgl", "wasm", "cpu"] as const;
export type BrowserBackend = (typeof BROWSER_BACKENDS)[number];
export const BROWSER_BACKEND_SETTINGS = ["auto", ...BROWSER_BACKENDS] as const;
export type BrowserBackendSetting = (typeof BROWSER_BACKEND_SETTINGS)[number];

/** What the probes found: each backend available, or why not. */
export type BrowserAvailability = Partial<Record<BrowserBackend, { available: true } | { available: false; problem: string }>>;

export interface BrowserBackendChoice {
  backend: BrowserBackend;
  /** the order to try if initialising the chosen one fails after all */
  fallbacks: BrowserBackend[];
  reason: string;
}

export function isBrowserBackendSetting(value: unknown): value is BrowserBackendSetting {
  return typeof value === "string" && (BROWSER_BACKEND_SETTINGS as readonly string[]).includes(value);
}

/**
 * "auto": the first available of webgpu → webgl → wasm → cpu. An explicit backend: that one when
 * available, else the next available below it in the same order (cpu is always available).
 */
export function chooseBrowserBackend(setting: BrowserBackendSetting, availability: BrowserAvailability): BrowserBackendChoice {
  const start = setting === "auto" ? 0 : BROWSER_BACKENDS.indexOf(setting);
  const usable = BROWSER_BACKENDS.filter((b, i) => i >= start && (b === "cpu" || availability[b]?.available === true));
  const backend = usable[0]!;
  const skipped = BROWSER_BACKENDS.slice(start, BROWSER_BACKENDS.indexOf(backend)).map((b) => {
    const probe = availability[b];
    return `${b}: ${probe && !probe.available ? probe.problem : "not available"}`;
  });
  const reason =
    setting === "auto"
      ? skipped.length
        ? `auto: ${backend} (${skipped.join("; ")})`
        : `auto: ${backend}, the fastest this browser offers`
      : backend === setting
        ? `${backend}, as set`
        : `${setting} was set but is unavailable (${skipped.join("; ")}); using ${backend}`;
  return { backend, fallbacks: usable.slice(1), reason };
}
