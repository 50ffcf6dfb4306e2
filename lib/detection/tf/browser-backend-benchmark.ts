/**
 * The short measurement "auto" runs when an adapter does not say whether it is a real GPU: per
 * candidate backend, one warm-up (shader compilation, weight upload) and two timed inferences on a
 * blank input at the model's size. wasm goes first, as the baseline; a candidate whose warm-up
 * passes the cap, or whose first timed run is already far slower than the best so far, is
 * abandoned without the rest. The I/O (switching backends, running the model) is injected, so the
 * rules are tested here and the worker only supplies the hooks.
 */
import type { BackendTiming, BackendTimings, BrowserBackend } from "@/lib/contracts/worker-messages";
import { formatSeconds } from "./browser-backend";

export interface BenchmarkHooks {
  /** switch to the backend and load the model on it; throws when it cannot start */
  prepare(backend: BrowserBackend): Promise<void>;
  /** one inference on a blank input, read back */
  infer(): Promise<void>;
  /** free what prepare made */
  release(backend: BrowserBackend): void;
  now(): number;
}

export interface BenchmarkLimits {
  warmups: number;
  timedRuns: number;
  /** a warm-up slower than this abandons the candidate (a software GPU takes 10–30 s here) */
  warmupCapMs: number;
  /** a timed run slower than this many times the best mean so far stops the candidate's runs */
  slowerThanBestFactor: number;
}

export const DEFAULT_BENCHMARK_LIMITS: BenchmarkLimits = { warmups: 1, timedRuns: 2, warmupCapMs: 8_000, slowerThanBestFactor: 3 };

/** Measures the candidates, wasm first; every candidate gets an entry. */
export async function measureBackends(candidates: readonly BrowserBackend[], hooks: BenchmarkHooks, limits: BenchmarkLimits = DEFAULT_BENCHMARK_LIMITS): Promise<BackendTimings> {
  const order = [...candidates].sort((a, b) => (a === "wasm" ? -1 : b === "wasm" ? 1 : 0));
  const timings: BackendTimings = {};
  let best = Number.POSITIVE_INFINITY;
  for (const backend of order) {
    const timing = await measureOne(backend, hooks, limits, best);
    timings[backend] = timing;
    if ("ms" in timing) best = Math.min(best, timing.ms);
  }
  return timings;
}

async function measureOne(backend: BrowserBackend, hooks: BenchmarkHooks, limits: BenchmarkLimits, best: number): Promise<BackendTiming> {
  try {
    await hooks.prepare(backend);
  } catch (error) {
    hooks.release(backend);
    return { abandoned: `did not start: ${(error as Error).message ?? String(error)}` };
  }
  try {
    // An inference already running cannot be interrupted, so the caps apply between runs.
    const warmStart = hooks.now();
    for (let i = 0; i < limits.warmups; i++) await hooks.infer();
    const warmMs = hooks.now() - warmStart;
    if (warmMs > limits.warmupCapMs) return { abandoned: `warm-up took ${formatSeconds(warmMs)}, over the ${formatSeconds(limits.warmupCapMs)} cap` };
    const runs: number[] = [];
    for (let i = 0; i < limits.timedRuns; i++) {
      const started = hooks.now();
      await hooks.infer();
      runs.push(hooks.now() - started);
      if (runs.at(-1)! > best * limits.slowerThanBestFactor) break; // it cannot win: spare the user the rest
    }
    return { ms: runs.reduce((sum, ms) => sum + ms, 0) / runs.length, runs: runs.length };
  } catch (error) {
    return { abandoned: `failed: ${(error as Error).message ?? String(error)}` };
  } finally {
    hooks.release(backend);
  }
}
