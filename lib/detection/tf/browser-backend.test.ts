import { describe, expect, it } from "vitest";
import { chooseBrowserBackend, isBrowserBackendSetting } from "./browser-backend";

const all = { webgpu: { available: true }, webgl: { available: true }, wasm: { available: true } } as const;
const noGpu = { webgpu: { available: false, problem: "navigator.gpu is missing" }, webgl: { available: false, problem: "no WebGL2 context" }, wasm: { available: true } } as const;

describe("chooseBrowserBackend", () => {
  it("auto takes the first available of webgpu → webgl → wasm → cpu", () => {
    expect(chooseBrowserBackend("auto", all)).toMatchObject({ backend: "webgpu", fallbacks: ["webgl", "wasm", "cpu"] });
    expect(chooseBrowserBackend("auto", { ...all, webgpu: { available: false, problem: "navigator.gpu is missing" } })).toMatchObject({ backend: "webgl", fallbacks: ["wasm", "cpu"] });
    const wasm = chooseBrowserBackend("auto", noGpu);
    expect(wasm).toMatchObject({ backend: "wasm", fallbacks: ["cpu"] });
    expect(wasm.reason).toContain("webgpu: navigator.gpu is missing");
    expect(wasm.reason).toContain("webgl: no WebGL2 context");
    expect(chooseBrowserBackend("auto", {})).toMatchObject({ backend: "cpu", fallbacks: [] });
  });

  it("honours an explicit setting, and falls back below it (never above) with the reason", () => {
    expect(chooseBrowserBackend("wasm", all)).toMatchObject({ backend: "wasm", fallbacks: ["cpu"], reason: "wasm, as set" });
    expect(chooseBrowserBackend("cpu", all)).toMatchObject({ backend: "cpu", fallbacks: [] });
    const fallback = chooseBrowserBackend("webgpu", noGpu);
    expect(fallback.backend).toBe("wasm");
    expect(fallback.reason).toBe("webgpu was set but is unavailable (webgpu: navigator.gpu is missing; webgl: no WebGL2 context); using wasm");
  });

  it("recognises only the settings it knows", () => {
    expect(isBrowserBackendSetting("auto")).toBe(true);
    expect(isBrowserBackendSetting("webgl")).toBe(true);
    expect(isBrowserBackendSetting("cuda")).toBe(false);
    expect(isBrowserBackendSetting(undefined)).toBe(false);
  });
});
