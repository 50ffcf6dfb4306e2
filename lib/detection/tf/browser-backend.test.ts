import { describe, expect, it } from "vitest";
import {
  benchmarkKey,
  chooseBrowserBackend,
  formatSeconds,
  isBrowserBackendSetting,
  needsMeasuring,
  webGlAdapter,
  webGpuAdapter,
  type BrowserAvailability,
  type BrowserBackendChoice,
  type BrowserBackendMeasureFirst,
} from "./browser-backend";

// Adapters as Chromium 150 reports them: the SwiftShader pair is what the chromium-webgpu e2e project sees.
const swiftshaderGpu = webGpuAdapter({ vendor: "google", architecture: "swiftshader", device: "", description: "", isFallbackAdapter: true });
const swiftshaderGl = webGlAdapter("ANGLE (Google, Vulkan 1.3.0 (SwiftShader Device (Subzero) (0x0000C0DE)), SwiftShader driver)");
const nvidiaGpu = webGpuAdapter({ vendor: "nvidia", architecture: "ampere", device: "", description: "" });
const nvidiaGl = webGlAdapter("ANGLE (NVIDIA, NVIDIA GeForce RTX 3060 Direct3D11 vs_5_0 ps_5_0, D3D11)");
const unknownGpu = webGpuAdapter({ vendor: "", architecture: "", device: "", description: "" });
const maskedGl = webGlAdapter("WebKit WebGL");

const offer = (webgpu: ReturnType<typeof webGpuAdapter> | null, webgl: ReturnType<typeof webGlAdapter> | null): BrowserAvailability => ({
  webgpu: webgpu ? { available: true, adapter: webgpu } : { available: false, problem: "no WebGPU adapter" },
  webgl: webgl ? { available: true, adapter: webgl } : { available: false, problem: "no WebGL2 in workers" },
  wasm: { available: true },
});

const chosen = (answer: BrowserBackendChoice | BrowserBackendMeasureFirst): BrowserBackendChoice => {
  if (needsMeasuring(answer)) throw new Error(`expected a choice, got measure ${answer.measure.join(",")}`);
  return answer;
};

describe("chooseBrowserBackend: auto", () => {
  it("never takes a software adapter or renderer, and says so without measuring (issue 17: SwiftShader WebGPU took 17–23 s an image, wasm 0.35 s)", () => {
    const choice = chosen(chooseBrowserBackend("auto", offer(swiftshaderGpu, swiftshaderGl)));
    expect(choice).toMatchObject({ backend: "wasm", fallbacks: ["cpu"], warning: null });
    expect(choice.reason).toBe("auto: wasm — webgpu skipped: software adapter (SwiftShader); webgl skipped: software renderer (SwiftShader)");
  });

  it("takes webgpu on a hardware adapter without measuring, then webgl on a hardware renderer", () => {
    const gpu = chosen(chooseBrowserBackend("auto", offer(nvidiaGpu, nvidiaGl)));
    expect(gpu).toMatchObject({ backend: "webgpu", fallbacks: ["webgl", "wasm", "cpu"] });
    expect(gpu.reason).toBe("auto: webgpu — hardware adapter (nvidia ampere)");
    const gl = chosen(chooseBrowserBackend("auto", offer(swiftshaderGpu, nvidiaGl)));
    expect(gl).toMatchObject({ backend: "webgl", fallbacks: ["wasm", "cpu"] });
    expect(gl.reason).toContain("webgpu skipped: software adapter (SwiftShader)");
    expect(gl.reason).toContain("hardware renderer (ANGLE (NVIDIA");
  });

  it("measures when an adapter does not say what it is, software ones excluded", () => {
    expect(chooseBrowserBackend("auto", offer(unknownGpu, swiftshaderGl))).toEqual({ measure: ["webgpu", "wasm"] });
    expect(chooseBrowserBackend("auto", offer(swiftshaderGpu, maskedGl))).toEqual({ measure: ["webgl", "wasm"] });
    // a hardware webgl below an unknown webgpu: webgpu might still be the faster
    expect(chooseBrowserBackend("auto", offer(unknownGpu, nvidiaGl))).toEqual({ measure: ["webgpu", "webgl", "wasm"] });
    // a hardware webgpu first is taken even when the renderer below is masked
    expect(chosen(chooseBrowserBackend("auto", offer(nvidiaGpu, maskedGl))).backend).toBe("webgpu");
  });

  it("takes the fastest measured candidate and names every timing", () => {
    const choice = chosen(
      chooseBrowserBackend("auto", offer(swiftshaderGpu, maskedGl), { timings: { wasm: { ms: 350, runs: 2 }, webgl: { ms: 3100, runs: 1 } }, remembered: false }),
    );
    expect(choice).toMatchObject({ backend: "wasm", fallbacks: ["webgl", "cpu"] });
    expect(choice.reason).toBe("auto: wasm — webgpu skipped: software adapter (SwiftShader) — measured wasm 0.35 s vs webgl 3.1 s");
    const gpu = chosen(chooseBrowserBackend("auto", offer(unknownGpu, null), { timings: { wasm: { ms: 350, runs: 2 }, webgpu: { ms: 40, runs: 2 } }, remembered: true }));
    expect(gpu.backend).toBe("webgpu");
    expect(gpu.reason).toContain("measured webgpu 0.040 s vs wasm 0.35 s (remembered for this browser)");
  });

  it("ranks an abandoned candidate last, and keeps probe order when nothing finished", () => {
    const choice = chosen(chooseBrowserBackend("auto", offer(unknownGpu, null), { timings: { webgpu: { abandoned: "warm-up took 17 s, over the 8.0 s cap" }, wasm: { ms: 380, runs: 2 } }, remembered: false }));
    expect(choice.backend).toBe("wasm");
    expect(choice.reason).toContain("measured wasm 0.38 s vs webgpu abandoned (warm-up took 17 s, over the 8.0 s cap)");
    const none = chosen(chooseBrowserBackend("auto", offer(unknownGpu, null), { timings: { webgpu: { abandoned: "failed" }, wasm: { abandoned: "failed" } }, remembered: false }));
    expect(none).toMatchObject({ backend: "webgpu", fallbacks: ["wasm", "cpu"] });
  });

  it("does not measure a lone candidate", () => {
    const alone = chosen(chooseBrowserBackend("auto", { webgl: { available: true, adapter: maskedGl } }));
    expect(alone).toMatchObject({ backend: "webgl", fallbacks: ["cpu"] });
    expect(alone.reason).toBe("auto: webgl — unknown renderer (WebKit WebGL) — webgpu: not available; wasm: not available");
  });

  it("asks again for a measurement that lacks a candidate (another candidate set)", () => {
    expect(needsMeasuring(chooseBrowserBackend("auto", offer(unknownGpu, maskedGl), { timings: { wasm: { ms: 300, runs: 2 } }, remembered: true }))).toBe(true);
  });

  it("falls back to cpu when nothing else is offered, with each reason", () => {
    const choice = chosen(chooseBrowserBackend("auto", {}));
    expect(choice).toMatchObject({ backend: "cpu", fallbacks: [] });
    expect(choice.reason).toBe("auto: cpu — webgpu: not available; webgl: not available; wasm: not available");
    const noGpu = chosen(chooseBrowserBackend("auto", offer(null, null)));
    expect(noGpu.backend).toBe("wasm");
    expect(noGpu.reason).toBe("auto: wasm — webgpu: no WebGPU adapter; webgl: no WebGL2 in workers");
  });
});

describe("chooseBrowserBackend: an explicit setting", () => {
  it("runs as set, warning on a software adapter", () => {
    const gpu = chosen(chooseBrowserBackend("webgpu", offer(swiftshaderGpu, swiftshaderGl)));
    expect(gpu).toMatchObject({ backend: "webgpu", reason: "webgpu, as set", fallbacks: ["wasm", "cpu"] });
    expect(gpu.warning).toContain("software adapter here (SwiftShader)");
    const gl = chosen(chooseBrowserBackend("webgl", offer(swiftshaderGpu, swiftshaderGl)));
    expect(gl.warning).toContain("software renderer here (SwiftShader)");
    expect(chosen(chooseBrowserBackend("webgpu", offer(nvidiaGpu, nvidiaGl))).warning).toBeNull();
    expect(chosen(chooseBrowserBackend("wasm", offer(swiftshaderGpu, swiftshaderGl)))).toMatchObject({ backend: "wasm", fallbacks: ["cpu"], reason: "wasm, as set", warning: null });
    expect(chosen(chooseBrowserBackend("cpu", offer(nvidiaGpu, nvidiaGl)))).toMatchObject({ backend: "cpu", fallbacks: [] });
  });

  it("falls back below it (never above, never onto a software adapter) with the reason", () => {
    const fallback = chosen(chooseBrowserBackend("webgpu", offer(null, null)));
    expect(fallback.backend).toBe("wasm");
    expect(fallback.reason).toBe("webgpu was set but is unavailable (webgpu: no WebGPU adapter; webgl: no WebGL2 in workers); using wasm");
    const pastSoftware = chosen(chooseBrowserBackend("webgpu", offer(null, swiftshaderGl)));
    expect(pastSoftware.backend).toBe("wasm");
    expect(pastSoftware.reason).toContain("webgl skipped: software renderer (SwiftShader)");
  });

  it("recognises only the settings it knows", () => {
    expect(isBrowserBackendSetting("auto")).toBe(true);
    expect(isBrowserBackendSetting("webgl")).toBe(true);
    expect(isBrowserBackendSetting("cuda")).toBe(false);
    expect(isBrowserBackendSetting(undefined)).toBe(false);
  });
});

describe("WebGL renderers", () => {
  // Renderer strings as browsers report them (WEBGL_debug_renderer_info, else RENDERER).
  const table: Array<[string, "hardware" | "software" | "unknown", string?]> = [
    ["ANGLE (Google, Vulkan 1.3.0 (SwiftShader Device (Subzero) (0x0000C0DE)), SwiftShader driver)", "software", "SwiftShader"],
    ["Google SwiftShader", "software", "SwiftShader"],
    ["ANGLE (Mesa/X.org, llvmpipe (LLVM 15.0.6, 256 bits), OpenGL 4.5 (Core Profile) Mesa 22.3.6)", "software", "llvmpipe"],
    ["llvmpipe (LLVM 12.0.0, 256 bits)", "software", "llvmpipe"],
    ["ANGLE (Microsoft, Microsoft Basic Render Driver Direct3D11 vs_5_0 ps_5_0, D3D11)", "software", "Microsoft Basic Render Driver"],
    ["Software Rasterizer", "software", "software rasteriser"],
    ["ANGLE (NVIDIA, NVIDIA GeForce RTX 3060 Direct3D11 vs_5_0 ps_5_0, D3D11)", "hardware"],
    ["ANGLE (Intel, Intel(R) UHD Graphics 620 Direct3D11 vs_5_0 ps_5_0, D3D11)", "hardware"],
    ["ANGLE (AMD, AMD Radeon RX 6800 XT (radeonsi, navi21, LLVM 15.0.7, DRM 3.49, 6.1.0), OpenGL 4.6)", "hardware"],
    ["ANGLE (Apple, ANGLE Metal Renderer: Apple M2, Unspecified Version)", "hardware"],
    ["Apple GPU", "hardware"],
    ["Mali-G78", "hardware"],
    ["Adreno (TM) 650", "hardware"],
    ["NVIDIA GeForce GTX 980, or similar", "hardware"],
    ["WebKit WebGL", "unknown"],
    ["Mozilla", "unknown"],
    ["", "unknown"],
  ];
  it.each(table)("%s → %s", (renderer, kind, name) => {
    const adapter = webGlAdapter(renderer);
    expect(adapter.kind).toBe(kind);
    if (name) expect(adapter.name).toBe(name);
  });
});

/** What the worker offers for an ONNX model: onnxruntime-web runs on webgpu or wasm only. */
const onnxOffer = (webgpu: ReturnType<typeof webGpuAdapter> | null): BrowserAvailability => ({
  ...offer(webgpu, null),
  webgl: { available: false, problem: "onnxruntime-web has no webgl backend here" },
  cpu: { available: false, problem: "onnxruntime-web runs on the CPU as wasm" },
});

describe("chooseBrowserBackend: a runtime with webgpu and wasm only (onnxruntime-web)", () => {
  it("auto: webgpu on a hardware adapter, wasm on a software one, and never cpu as a fallback", () => {
    expect(chosen(chooseBrowserBackend("auto", onnxOffer(nvidiaGpu)))).toMatchObject({ backend: "webgpu", fallbacks: ["wasm"] });
    const software = chosen(chooseBrowserBackend("auto", onnxOffer(swiftshaderGpu)));
    expect(software).toMatchObject({ backend: "wasm", fallbacks: [] });
    expect(software.reason).toContain("webgpu skipped: software adapter (SwiftShader)");
    expect(chooseBrowserBackend("auto", onnxOffer(unknownGpu))).toEqual({ measure: ["webgpu", "wasm"] });
    expect(chosen(chooseBrowserBackend("auto", onnxOffer(unknownGpu), { timings: { webgpu: { ms: 40, runs: 2 }, wasm: { ms: 90, runs: 2 } }, remembered: false })).fallbacks).toEqual(["wasm"]);
  });

  it("an explicit webgl or cpu runs on the nearest backend it has, and says why", () => {
    const gl = chosen(chooseBrowserBackend("webgl", onnxOffer(nvidiaGpu)));
    expect(gl).toMatchObject({ backend: "wasm", reason: "webgl was set but is unavailable (webgl: onnxruntime-web has no webgl backend here); using wasm" });
    const cpu = chosen(chooseBrowserBackend("cpu", onnxOffer(nvidiaGpu)));
    expect(cpu).toMatchObject({ backend: "wasm", fallbacks: ["webgpu"], reason: "cpu was set but is unavailable (cpu: onnxruntime-web runs on the CPU as wasm); using wasm" });
    expect(chosen(chooseBrowserBackend("webgpu", onnxOffer(swiftshaderGpu)))).toMatchObject({ backend: "webgpu", fallbacks: ["wasm"] });
  });
});

describe("helpers", () => {
  it("formats seconds with two significant digits", () => {
    expect(formatSeconds(350)).toBe("0.35 s");
    expect(formatSeconds(3140)).toBe("3.1 s");
    expect(formatSeconds(17_400)).toBe("17 s");
  });

  it("keys remembered measurements by browser, runtime, input size and candidates", () => {
    const key = benchmarkKey("Mozilla/5.0 Chrome/150", "tfjs", 416, ["webgl", "wasm"]);
    expect(key).toBe("masklab.backendTimings:Mozilla/5.0 Chrome/150:tfjs:416:webgl,wasm");
    expect(benchmarkKey("Mozilla/5.0 Chrome/150", "tfjs", 320, ["webgl", "wasm"])).not.toBe(key);
    expect(benchmarkKey("Mozilla/5.0 Chrome/150", "tfjs", 416, ["webgpu", "wasm"])).not.toBe(key);
    expect(benchmarkKey("Mozilla/5.0 Chrome/150", "onnxruntime-web", 416, ["webgl", "wasm"])).not.toBe(key);
  });
});
