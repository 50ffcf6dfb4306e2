import * as tf from "@tensorflow/tfjs";
import { afterAll, describe, expect, it } from "vitest";
import { isSoftwareAdapter } from "./backend-selection";
import { probeWebGpuAdapter, selectNodeBackend, useJobBackend, useNodeBackend, useWorkerBackend } from "./node-backend";

/** The real backends of this machine: wasm always; webgpu where Dawn finds an adapter (lavapipe counts, when allowed). */
const probe = await probeWebGpuAdapter();

afterAll(async () => {
  await tf.setBackend("wasm");
});

async function squareSum(): Promise<number> {
  const t = tf.tidy(() => tf.sum(tf.square(tf.tensor1d([1, 2, 3]))));
  const [value] = await t.data();
  t.dispose();
  return value!;
}

describe("useNodeBackend and selectNodeBackend", () => {
  it("wasm: returns the name, as existing callers expect, with the training kernels registered", async () => {
    expect(await useNodeBackend("wasm")).toBe("wasm");
    expect(tf.getBackend()).toBe("wasm");
    for (const kernel of ["Conv2DBackpropFilter", "DepthwiseConv2dNativeBackpropFilter", "UnsortedSegmentSum"]) expect(tf.getKernel(kernel, "wasm"), kernel).toBeDefined();
    expect(await squareSum()).toBe(14);
  });

  it("auto without MASKLAB_ALLOW_SOFTWARE_WEBGPU: webgpu only on a hardware adapter", async () => {
    const selection = await selectNodeBackend("auto", {});
    const hardware = probe.adapter !== null && !isSoftwareAdapter(probe.adapter);
    expect(selection.backend).toBe(hardware ? "webgpu" : "wasm");
    expect(tf.getBackend()).toBe(selection.backend);
    expect(selection.reason).toMatch(/^auto: /);
    expect(await squareSum()).toBe(14);
  });

  it("explicit webgpu: an adapter is used when there is one (software allowed by the env var), otherwise a clear error", async () => {
    const allowed = { MASKLAB_ALLOW_SOFTWARE_WEBGPU: "1" };
    if (probe.adapter === null) {
      await expect(selectNodeBackend("webgpu", allowed)).rejects.toThrow(/^webgpu requested but no WebGPU adapter was found .*NVIDIA driver's Vulkan ICD/);
      return;
    }
    if (isSoftwareAdapter(probe.adapter)) await expect(selectNodeBackend("webgpu", {})).rejects.toThrow(/only WebGPU adapter is a software one.*MASKLAB_ALLOW_SOFTWARE_WEBGPU=1/);
    const selection = await selectNodeBackend("webgpu", allowed);
    expect(selection).toMatchObject({ backend: "webgpu", adapter: probe.adapter, requested: "webgpu" });
    expect(selection.description).toMatch(/^webgpu on /);
    expect(tf.getBackend()).toBe("webgpu");
    expect(await squareSum()).toBe(14);
  });
});

describe("per-job backends (what a runner calls)", () => {
  it("an explicit job backend switches TF.js to it; auto goes back to the worker's own choice", async () => {
    const workerEnv = { MASKLAB_BACKEND: "wasm" };
    expect((await useWorkerBackend(workerEnv)).backend).toBe("wasm");
    expect(await useJobBackend("cpu", workerEnv)).toMatchObject({ backend: "cpu", requested: "cpu" });
    expect(tf.getBackend()).toBe("cpu");
    expect(await squareSum()).toBe(14);
    expect(await useJobBackend("auto", workerEnv)).toMatchObject({ backend: "wasm", requested: "wasm" });
    expect(tf.getBackend()).toBe("wasm");
  });

  it("a job asking for a backend the machine lacks fails with the reason, and the worker's backend stays usable", async () => {
    if (probe.adapter !== null && !isSoftwareAdapter(probe.adapter)) return; // a GPU machine has what the job asks for
    await expect(useJobBackend("webgpu", {})).rejects.toThrow(/^webgpu requested but /);
    expect((await useJobBackend("auto", {})).backend).toBe("wasm");
    expect(await squareSum()).toBe(14);
  });
});
