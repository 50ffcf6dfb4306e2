import os from "node:os";

export interface ServingSettings {
  /** inference threads of a TF.js model (SERVE_THREADS; default: the cores Node may use) */
  threads: number;
  /** requests that may wait for a thread before the next is refused with 503 (SERVE_QUEUE_LIMIT; default 8 per thread) */
  queueLimit: number;
  /** one inference longer than this means a hung thread: it is replaced and the request answered 503 (SERVE_TIMEOUT_SECONDS; default 60) */
  timeoutMs: number;
}

/** Waiting requests allowed per thread by default: a few seconds of work at typical latencies, not an unbounded backlog. */
export const QUEUE_PER_THREAD = 8;

type Env = Record<string, string | undefined>;

/**
 * SERVE_THREADS, SERVE_QUEUE_LIMIT and SERVE_TIMEOUT_SECONDS, or their defaults, under what a caller sets in code (the
 * monitor's single thread, a test's); a value that is not a positive integer is refused in words.
 */
export function servingSettings(overrides: Partial<ServingSettings> = {}, env: Env = process.env): ServingSettings {
  const threads = overrides.threads ?? positiveInteger(env, "SERVE_THREADS") ?? os.availableParallelism();
  return {
    threads,
    queueLimit: overrides.queueLimit ?? positiveInteger(env, "SERVE_QUEUE_LIMIT") ?? QUEUE_PER_THREAD * threads,
    timeoutMs: overrides.timeoutMs ?? (positiveInteger(env, "SERVE_TIMEOUT_SECONDS") ?? 60) * 1000,
  };
}

function positiveInteger(env: Env, name: string): number | undefined {
  const raw = env[name]?.trim();
  if (!raw) return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a positive whole number, not "${raw}"`);
  return value;
}
