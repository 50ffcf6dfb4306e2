import { describe, expect, it } from "vitest";
import type { BrowserBackend } from "@/lib/contracts/worker-messages";
import { measureBackends, type BenchmarkHooks } from "./browser-backend-benchmark";

/** Hooks on a fake clock: each backend's inferences take the listed ms in turn (the last repeats). */
function fakeHooks(costs: Partial<Record<BrowserBackend, number[]>>, failing: BrowserBackend[] = []) {
  let clock = 0;
  let active: BrowserBackend | null = null;
  const calls: string[] = [];
  const done: Partial<Record<BrowserBackend, number>> = {};
  const hooks: BenchmarkHooks = {
    async prepare(backend) {
      calls.push(`prepare ${backend}`);
      if (failing.includes(backend)) throw new Error(`${backend} backend failed to initialise`);
      active = backend;
    },
    async infer() {
      const list = costs[active!]!;
      const n = done[active!] ?? 0;
      done[active!] = n + 1;
      clock += list[Math.min(n, list.length - 1)]!;
      calls.push(`infer ${active}`);
    },
    release(backend) {
      calls.push(`release ${backend}`);
    },
    now: () => clock,
  };
  return { hooks, calls };
}

describe("measureBackends", () => {
  it("measures wasm first, then one warm-up and two timed runs per candidate", async () => {
    const { hooks, calls } = fakeHooks({ wasm: [600, 340, 360], webgl: [2500, 150, 170] });
    const timings = await measureBackends(["webgl", "wasm"], hooks);
    expect(timings).toEqual({ wasm: { ms: 350, runs: 2 }, webgl: { ms: 160, runs: 2 } });
    expect(calls).toEqual(["prepare wasm", "infer wasm", "infer wasm", "infer wasm", "release wasm", "prepare webgl", "infer webgl", "infer webgl", "infer webgl", "release webgl"]);
  });

  it("abandons a candidate whose warm-up passes the cap (a software GPU)", async () => {
    const { hooks, calls } = fakeHooks({ wasm: [400, 350], webgpu: [17_000, 16_000] });
    const timings = await measureBackends(["webgpu", "wasm"], hooks);
    expect(timings.webgpu).toEqual({ abandoned: "warm-up took 17 s, over the 8.0 s cap" });
    expect(calls.filter((c) => c === "infer webgpu")).toHaveLength(1);
    expect(calls).toContain("release webgpu");
  });

  it("stops timing a candidate once a run is far slower than the best so far", async () => {
    const { hooks, calls } = fakeHooks({ wasm: [400, 350], webgl: [3300, 3100] });
    const timings = await measureBackends(["webgl", "wasm"], hooks);
    expect(timings.webgl).toEqual({ ms: 3100, runs: 1 });
    expect(calls.filter((c) => c === "infer webgl")).toHaveLength(2); // the warm-up and one timed run
  });

  it("records a backend that does not start, and goes on", async () => {
    const { hooks } = fakeHooks({ wasm: [300] }, ["webgpu"]);
    const timings = await measureBackends(["webgpu", "wasm"], hooks);
    expect(timings).toEqual({ wasm: { ms: 300, runs: 2 }, webgpu: { abandoned: "did not start: webgpu backend failed to initialise" } });
  });
});
