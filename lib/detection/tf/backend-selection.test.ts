import { describe, expect, it } from "vitest";
import {
  allowSoftwareWebGpuFromEnv,
  BackendUnavailableError,
  chooseBackend,
  classifyWebGpuAdapter,
  describeAdapter,
  isSoftwareAdapter,
  requestedBackendFromEnv,
  softwareAdapterName,
  type BackendAvailability,
  type WebGpuAdapterInfo,
} from "./backend-selection";

// Adapter infos shaped as Dawn reports them; the lavapipe one is copied from a 2-core dev machine with Mesa 25 (bookworm-backports).
const nvidia: WebGpuAdapterInfo = { vendor: "nvidia", architecture: "hopper", device: "0x2335", description: "NVIDIA H200", isFallbackAdapter: false };
const lavapipe: WebGpuAdapterInfo = {
  vendor: "mesa",
  architecture: "software",
  device: "llvmpipe-llvm-15-0-6-256-bits-",
  description: "llvmpipe: Mesa 25.0.7-2~bpo12+1 (LLVM 15.0.6) 0.0.1",
  isFallbackAdapter: true,
};
const swiftshader: WebGpuAdapterInfo = { vendor: "google", architecture: "swiftshader", device: "", description: "SwiftShader Device (Subzero)", isFallbackAdapter: false };
const flaggedFallback: WebGpuAdapterInfo = { ...nvidia, isFallbackAdapter: true };

const wasmOk = { loads: true } as const;
const wasmBroken = { loads: false, problem: "failed to compile tfjs-backend-wasm.wasm" } as const;
const noAdapter = { adapter: null, problem: "Dawn's requestAdapter() returned none: no Vulkan driver it accepts" } as const;

const on = (webgpu: WebGpuAdapterInfo | null, wasm: BackendAvailability["wasm"] = wasmOk, allowSoftwareWebGpu = false): BackendAvailability => ({
  webgpu: webgpu ? { adapter: webgpu } : noAdapter,
  wasm,
  allowSoftwareWebGpu,
});

describe("chooseBackend: auto", () => {
  it("takes webgpu on a hardware adapter, naming it", () => {
    const choice = chooseBackend("auto", on(nvidia));
    expect(choice.backend).toBe("webgpu");
    expect(choice.adapter).toEqual(nvidia);
    expect(choice.reason).toContain("NVIDIA H200");
  });

  it("takes wasm over a software adapter, and says how to accept it", () => {
    for (const adapter of [lavapipe, swiftshader, flaggedFallback]) {
      const choice = chooseBackend("auto", on(adapter));
      expect(choice.backend, describeAdapter(adapter)).toBe("wasm");
      expect(choice.adapter).toBeNull();
      expect(choice.reason).toContain("software");
      expect(choice.reason).toContain("MASKLAB_ALLOW_SOFTWARE_WEBGPU=1");
    }
  });

  it("takes a software adapter when MASKLAB_ALLOW_SOFTWARE_WEBGPU is set", () => {
    const choice = chooseBackend("auto", on(lavapipe, wasmOk, true));
    expect(choice.backend).toBe("webgpu");
    expect(choice.adapter).toEqual(lavapipe);
    expect(choice.reason).toContain("accepted because MASKLAB_ALLOW_SOFTWARE_WEBGPU=1");
  });

  it("takes wasm without an adapter, passing on why there is none", () => {
    const choice = chooseBackend("auto", on(null));
    expect(choice).toMatchObject({ backend: "wasm", adapter: null });
    expect(choice.reason).toContain("no Vulkan driver it accepts");
  });

  it("falls back to cpu only when wasm does not start either, saying both reasons", () => {
    const choice = chooseBackend("auto", on(null, wasmBroken));
    expect(choice.backend).toBe("cpu");
    expect(choice.reason).toContain("no WebGPU adapter");
    expect(choice.reason).toContain("failed to compile tfjs-backend-wasm.wasm");
    expect(chooseBackend("auto", on(lavapipe, wasmBroken)).backend).toBe("cpu");
  });

  it("does not need wasm probed when a hardware adapter wins, and treats unprobed wasm as unavailable", () => {
    expect(chooseBackend("auto", { webgpu: { adapter: nvidia } }).backend).toBe("webgpu");
    expect(chooseBackend("auto", { webgpu: noAdapter }).backend).toBe("cpu");
    expect(chooseBackend("auto", {}).backend).toBe("cpu");
  });
});

describe("chooseBackend: explicit requests", () => {
  it("webgpu on a hardware adapter", () => {
    expect(chooseBackend("webgpu", on(nvidia))).toMatchObject({ backend: "webgpu", adapter: nvidia });
  });

  it("webgpu without an adapter is an error telling what to install on an NVIDIA machine", () => {
    const attempt = () => chooseBackend("webgpu", on(null));
    expect(attempt).toThrow(BackendUnavailableError);
    expect(attempt).toThrow(/^webgpu requested but no WebGPU adapter was found \(Dawn's requestAdapter\(\) returned none/);
    expect(attempt).toThrow(/NVIDIA driver's Vulkan ICD.*libvulkan1.*VK_DRIVER_FILES/);
    expect(() => chooseBackend("webgpu", {})).toThrow(/no WebGPU adapter was found \(WebGPU was not probed\)/);
  });

  it("webgpu on a software adapter is an error unless MASKLAB_ALLOW_SOFTWARE_WEBGPU is set", () => {
    expect(() => chooseBackend("webgpu", on(lavapipe))).toThrow(/only WebGPU adapter is a software one, llvmpipe.*set MASKLAB_ALLOW_SOFTWARE_WEBGPU=1/);
    expect(chooseBackend("webgpu", on(lavapipe, wasmOk, true))).toMatchObject({ backend: "webgpu", adapter: lavapipe });
  });

  it("wasm when it starts, an error when it does not (never a silent cpu)", () => {
    expect(chooseBackend("wasm", on(nvidia))).toMatchObject({ backend: "wasm", adapter: null, reason: "wasm requested" });
    expect(() => chooseBackend("wasm", on(null, wasmBroken))).toThrow("wasm requested but the TF.js wasm backend did not start: failed to compile tfjs-backend-wasm.wasm");
  });

  it("cpu is always available, even beside a GPU", () => {
    expect(chooseBackend("cpu", on(nvidia)).backend).toBe("cpu");
    expect(chooseBackend("cpu", {}).backend).toBe("cpu");
  });
});

describe("adapters", () => {
  it("tells software adapters from hardware ones", () => {
    expect(isSoftwareAdapter(nvidia)).toBe(false);
    expect(isSoftwareAdapter(lavapipe)).toBe(true);
    expect(isSoftwareAdapter(swiftshader)).toBe(true);
    expect(isSoftwareAdapter(flaggedFallback)).toBe(true);
    expect(isSoftwareAdapter({ vendor: "", architecture: "", device: "", description: "llvmpipe (LLVM 19)", isFallbackAdapter: false })).toBe(true);
  });

  // GPUAdapterInfo as browsers and Dawn report it (Chrome leaves device/description empty unless unsafe flags are on).
  const table: Array<[string, Partial<WebGpuAdapterInfo>, "hardware" | "software" | "unknown", string?]> = [
    ["Chrome's SwiftShader (Chromium 150)", { vendor: "google", architecture: "swiftshader", device: "", description: "", isFallbackAdapter: true }, "software", "SwiftShader"],
    ["SwiftShader, older Chrome without the fallback flag", { vendor: "google", architecture: "swiftshader", device: "", description: "" }, "software", "SwiftShader"],
    ["Google's vendor id alone is SwiftShader", { vendor: "google", architecture: "", device: "", description: "" }, "software", "software adapter"],
    ["Dawn's description of SwiftShader", { vendor: "", architecture: "", device: "", description: "SwiftShader Device (Subzero)" }, "software", "SwiftShader"],
    ["lavapipe (Mesa)", lavapipe, "software", "llvmpipe"],
    ["lavapipe by name", { vendor: "mesa", architecture: "", device: "", description: "lavapipe" }, "software", "lavapipe"],
    ["Windows WARP", { vendor: "microsoft", architecture: "", device: "0x8c", description: "Microsoft Basic Render Driver" }, "software", "Microsoft Basic Render Driver"],
    ["Microsoft's vendor id alone is WARP", { vendor: "microsoft", architecture: "", device: "", description: "" }, "software", "Microsoft Basic Render Driver"],
    ["a fallback flag on any adapter", { vendor: "", architecture: "", device: "", description: "", isFallbackAdapter: true }, "software", "fallback adapter"],
    ["NVIDIA in Chrome", { vendor: "nvidia", architecture: "ampere", device: "", description: "" }, "hardware"],
    ["NVIDIA through Dawn in Node", nvidia, "hardware"],
    ["Intel in Chrome", { vendor: "intel", architecture: "gen-12lp", device: "", description: "" }, "hardware"],
    ["AMD in Chrome", { vendor: "amd", architecture: "rdna-3", device: "", description: "" }, "hardware"],
    ["Apple silicon in Chrome", { vendor: "apple", architecture: "metal-3", device: "", description: "" }, "hardware"],
    ["Qualcomm on Android", { vendor: "qualcomm", architecture: "adreno-6xx", device: "", description: "" }, "hardware"],
    ["ARM Mali on Android", { vendor: "arm", architecture: "valhall", device: "", description: "" }, "hardware"],
    ["a browser that says nothing", { vendor: "", architecture: "", device: "", description: "" }, "unknown"],
    ["no info at all", {}, "unknown"],
  ];
  it.each(table)("classifies %s", (_, adapter, kind, name) => {
    expect(classifyWebGpuAdapter(adapter)).toBe(kind);
    if (name) expect(softwareAdapterName(adapter)).toBe(name);
  });

  it("describes an adapter by name and tags", () => {
    expect(describeAdapter(nvidia)).toBe("NVIDIA H200 [nvidia, hopper]");
    expect(describeAdapter(lavapipe)).toBe("llvmpipe: Mesa 25.0.7-2~bpo12+1 (LLVM 15.0.6) 0.0.1 [mesa, software, fallback]");
    expect(describeAdapter({ vendor: "", architecture: "", device: "", description: "", isFallbackAdapter: false })).toBe("unnamed adapter");
  });
});

describe("environment", () => {
  it("MASKLAB_BACKEND defaults to auto and rejects unknown names", () => {
    expect(requestedBackendFromEnv({})).toBe("auto");
    expect(requestedBackendFromEnv({ MASKLAB_BACKEND: "" })).toBe("auto");
    expect(requestedBackendFromEnv({ MASKLAB_BACKEND: " WebGPU " })).toBe("webgpu");
    expect(requestedBackendFromEnv({ MASKLAB_BACKEND: "cpu" })).toBe("cpu");
    expect(() => requestedBackendFromEnv({ MASKLAB_BACKEND: "cuda" })).toThrow("MASKLAB_BACKEND=cuda is not a backend: use one of auto, webgpu, wasm, cpu");
  });

  it("MASKLAB_ALLOW_SOFTWARE_WEBGPU is on for 1/true/yes only", () => {
    expect(allowSoftwareWebGpuFromEnv({})).toBe(false);
    expect(allowSoftwareWebGpuFromEnv({ MASKLAB_ALLOW_SOFTWARE_WEBGPU: "0" })).toBe(false);
    expect(allowSoftwareWebGpuFromEnv({ MASKLAB_ALLOW_SOFTWARE_WEBGPU: "1" })).toBe(true);
    expect(allowSoftwareWebGpuFromEnv({ MASKLAB_ALLOW_SOFTWARE_WEBGPU: "true" })).toBe(true);
  });
});
