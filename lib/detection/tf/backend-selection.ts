/**
 * Which TF.js backend a Node process (training worker, CLI) uses: a pure decision from what was
 * requested and what the machine offers. The probing itself (WebGPU adapter, wasm start-up) is in
 * node-backend.ts.
 *
 * Rule: "auto" takes webgpu only with a hardware adapter (a software or fallback adapter such as
 * lavapipe/llvmpipe or SwiftShader is slower than wasm), else wasm, else cpu. An explicit request
 * for a backend that is not available is an error, never a silent fallback.
 * MASKLAB_ALLOW_SOFTWARE_WEBGPU=1 lets "auto" and "webgpu" accept a software adapter (for testing
 * the WebGPU path on a machine without a GPU).
 */

export const REQUESTABLE_BACKENDS = ["auto", "webgpu", "wasm", "cpu"] as const;
export type RequestedBackend = (typeof REQUESTABLE_BACKENDS)[number];
/** A backend a Node process can actually run on. */
export type NodeBackendName = Exclude<RequestedBackend, "auto">;

/** What a WebGPU adapter says about itself (GPUAdapterInfo, plus the fallback flag). */
export interface WebGpuAdapterInfo {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  isFallbackAdapter: boolean;
}

/** The WebGPU probe's outcome: an adapter, or why there is none. */
export type WebGpuProbe = { adapter: WebGpuAdapterInfo } | { adapter: null; problem: string };
/** Whether the wasm backend started, or why not. */
export type WasmProbe = { loads: true } | { loads: false; problem: string };

/** What the machine offers. A probe left out was not run and counts as unavailable. */
export interface BackendAvailability {
  webgpu?: WebGpuProbe;
  wasm?: WasmProbe;
  /** MASKLAB_ALLOW_SOFTWARE_WEBGPU=1: accept a software/fallback WebGPU adapter */
  allowSoftwareWebGpu?: boolean;
}

export interface BackendChoice {
  backend: NodeBackendName;
  /** one human sentence: why this backend */
  reason: string;
  /** the WebGPU adapter in use (webgpu only) */
  adapter: WebGpuAdapterInfo | null;
}

/** An explicit request the machine cannot honour; the message says what to install or set. */
export class BackendUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "BackendUnavailableError";
  }
}

export const NVIDIA_WEBGPU_HINT =
  "install the NVIDIA driver's Vulkan ICD (nvidia_icd.json, shipped with the driver; in a container NVIDIA_DRIVER_CAPABILITIES must include graphics) and a Vulkan loader (libvulkan1); " +
  "if several Vulkan drivers are installed, pin the NVIDIA one with VK_DRIVER_FILES=/usr/share/vulkan/icd.d/nvidia_icd.json (VK_ICD_FILENAMES on older loaders)";

/** How an adapter (WebGPU) or renderer (WebGL) runs: on a GPU, emulated on the CPU, or it does not say. */
export const ADAPTER_KINDS = ["hardware", "software", "unknown"] as const;
export type AdapterKind = (typeof ADAPTER_KINDS)[number];

/** Names only CPU-emulated graphics carry, with the name to show for each. */
const SOFTWARE_RENDERERS: ReadonlyArray<[RegExp, string]> = [
  [/swiftshader/i, "SwiftShader"],
  [/llvmpipe/i, "llvmpipe"],
  [/lavapipe/i, "lavapipe"],
  [/softpipe/i, "softpipe"],
  [/microsoft basic render|basic render driver/i, "Microsoft Basic Render Driver"],
  [/software/i, "software rasteriser"],
];
/** GPU makers and product lines as adapters and renderers name them ("ANGLE (NVIDIA, NVIDIA GeForce …)", "Apple GPU", "Mali-G78"). */
const HARDWARE_NAMES = /nvidia|geforce|quadro|\bamd\b|radeon|ati technologies|intel|apple|qualcomm|adreno|\barm\b|mali|imagination|powervr|broadcom|videocore|samsung|xclipse|\bvivante\b/i;
/** PCI vendors that only ship software adapters: Google's is SwiftShader, Microsoft's is WARP (Basic Render Driver). */
const SOFTWARE_VENDORS = new Set(["google", "microsoft"]);

/**
 * The software renderer named anywhere in these strings ("SwiftShader", "llvmpipe", …), or null.
 * "llvm" alone is not one: radeonsi reports "(radeonsi, navi21, LLVM 15.0.7 …)" on real GPUs.
 */
export function softwareRendererName(...strings: string[]): string | null {
  const text = strings.join(" ");
  return SOFTWARE_RENDERERS.find(([pattern]) => pattern.test(text))?.[1] ?? null;
}

/** Hardware, software, or unknown from a free-text renderer name (a WebGL renderer string, an adapter's description). */
export function classifyRendererText(...strings: string[]): AdapterKind {
  if (softwareRendererName(...strings) !== null) return "software";
  return HARDWARE_NAMES.test(strings.join(" ")) ? "hardware" : "unknown";
}

/**
 * A WebGPU adapter's kind from what it says about itself. Browsers may leave every string empty
 * (privacy): that is "unknown", never "hardware".
 */
export function classifyWebGpuAdapter(adapter: Partial<WebGpuAdapterInfo>): AdapterKind {
  if (adapter.isFallbackAdapter) return "software";
  if (adapter.architecture === "software" || SOFTWARE_VENDORS.has((adapter.vendor ?? "").toLowerCase())) return "software";
  return classifyRendererText(adapter.vendor ?? "", adapter.architecture ?? "", adapter.device ?? "", adapter.description ?? "");
}

/** The name to show for a software adapter ("SwiftShader", "lavapipe", "fallback adapter"). */
export function softwareAdapterName(adapter: Partial<WebGpuAdapterInfo>): string {
  const named = softwareRendererName(adapter.vendor ?? "", adapter.architecture ?? "", adapter.device ?? "", adapter.description ?? "");
  if (named !== null && named !== "software rasteriser") return named;
  if (adapter.vendor?.toLowerCase() === "microsoft") return "Microsoft Basic Render Driver";
  return adapter.isFallbackAdapter ? "fallback adapter" : (named ?? "software adapter");
}

/** A CPU-emulated adapter (lavapipe/llvmpipe, SwiftShader, WARP, Dawn's fallback adapter). */
export function isSoftwareAdapter(adapter: WebGpuAdapterInfo): boolean {
  return classifyWebGpuAdapter(adapter) === "software";
}

/** e.g. "llvmpipe: Mesa 25.0.7 (LLVM 15.0.6) [mesa, software, fallback]" */
export function describeAdapter(adapter: WebGpuAdapterInfo): string {
  const name = adapter.description || adapter.device || "unnamed adapter";
  const tags = [adapter.vendor, adapter.architecture, adapter.isFallbackAdapter ? "fallback" : ""].filter((tag) => tag !== "");
  return tags.length > 0 ? `${name} [${tags.join(", ")}]` : name;
}

/** MASKLAB_BACKEND (default auto); anything else than the four names is an error. */
export function requestedBackendFromEnv(env: Record<string, string | undefined>): RequestedBackend {
  const value = (env.MASKLAB_BACKEND ?? "").trim().toLowerCase();
  if (value === "") return "auto";
  if ((REQUESTABLE_BACKENDS as readonly string[]).includes(value)) return value as RequestedBackend;
  throw new Error(`MASKLAB_BACKEND=${env.MASKLAB_BACKEND} is not a backend: use one of ${REQUESTABLE_BACKENDS.join(", ")}`);
}

export function allowSoftwareWebGpuFromEnv(env: Record<string, string | undefined>): boolean {
  const value = (env.MASKLAB_ALLOW_SOFTWARE_WEBGPU ?? "").trim().toLowerCase();
  return value === "1" || value === "true" || value === "yes";
}

/** Is WebGPU usable, and if not, why (a clause to follow "since"). */
function webGpuVerdict(availability: BackendAvailability): { adapter: WebGpuAdapterInfo } | { adapter: null; why: string } {
  const probe = availability.webgpu;
  if (probe === undefined) return { adapter: null, why: "WebGPU was not probed" };
  if (probe.adapter === null) return { adapter: null, why: `no WebGPU adapter was found (${probe.problem})` };
  if (isSoftwareAdapter(probe.adapter) && !availability.allowSoftwareWebGpu) {
    return { adapter: null, why: `the only WebGPU adapter is a software one, ${describeAdapter(probe.adapter)}, slower than wasm (MASKLAB_ALLOW_SOFTWARE_WEBGPU=1 accepts it)` };
  }
  return { adapter: probe.adapter };
}

function wasmProblem(availability: BackendAvailability): string | null {
  const probe = availability.wasm;
  if (probe === undefined) return "it was not probed";
  return probe.loads ? null : probe.problem;
}

/** The backend to use for `requested` on a machine offering `availability`; throws BackendUnavailableError for an explicit request it cannot honour. */
export function chooseBackend(requested: RequestedBackend, availability: BackendAvailability): BackendChoice {
  const webgpu = webGpuVerdict(availability);
  const software = availability.allowSoftwareWebGpu && webgpu.adapter !== null && isSoftwareAdapter(webgpu.adapter);
  const softwareNote = software ? " (a software adapter, accepted because MASKLAB_ALLOW_SOFTWARE_WEBGPU=1)" : "";
  switch (requested) {
    case "webgpu": {
      if (webgpu.adapter !== null) return { backend: "webgpu", reason: `webgpu requested; adapter ${describeAdapter(webgpu.adapter)}${softwareNote}`, adapter: webgpu.adapter };
      const probe = availability.webgpu;
      if (probe?.adapter) {
        throw new BackendUnavailableError(
          `webgpu requested but the only WebGPU adapter is a software one, ${describeAdapter(probe.adapter)}: set MASKLAB_ALLOW_SOFTWARE_WEBGPU=1 to use it anyway (it is slower than wasm); on a GPU machine, ${NVIDIA_WEBGPU_HINT}`,
        );
      }
      throw new BackendUnavailableError(`webgpu requested but no WebGPU adapter was found (${probe ? probe.problem : "WebGPU was not probed"}): ${NVIDIA_WEBGPU_HINT}`);
    }
    case "wasm": {
      const problem = wasmProblem(availability);
      if (problem !== null) throw new BackendUnavailableError(`wasm requested but the TF.js wasm backend did not start: ${problem}`);
      return { backend: "wasm", reason: "wasm requested", adapter: null };
    }
    case "cpu":
      return { backend: "cpu", reason: "cpu requested (the plain JavaScript backend: fine for inference checks, far too slow to train on)", adapter: null };
    case "auto": {
      if (webgpu.adapter !== null) return { backend: "webgpu", reason: `auto: WebGPU adapter ${describeAdapter(webgpu.adapter)}${softwareNote}`, adapter: webgpu.adapter };
      const problem = wasmProblem(availability);
      if (problem === null) return { backend: "wasm", reason: `auto: wasm, since ${webgpu.why}`, adapter: null };
      return { backend: "cpu", reason: `auto: cpu (very slow for training), since ${webgpu.why} and wasm did not start (${problem})`, adapter: null };
    }
  }
}
