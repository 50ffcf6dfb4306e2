/**
 * Fixed-window counters kept in process memory: enough for one web process (the default
 * deployment). Several web processes behind a balancer each count on their own, so the effective
 * limit multiplies; a shared store (e.g. PostgreSQL or Redis) would be the step up.
 */
export interface RateDecision {
  allowed: boolean;
  remaining: number;
  retryAfterSeconds: number;
}

export class RateLimiter {
  private readonly windows = new Map<string, { count: number; resetAt: number }>();

  constructor(
    readonly limit: number,
    readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Counts one event for the key and says whether it is within the limit. */
  hit(key: string): RateDecision {
    const decision = this.peek(key);
    const time = this.now();
    const window = this.windows.get(key);
    if (!window || window.resetAt <= time) this.windows.set(key, { count: 1, resetAt: time + this.windowMs });
    else window.count += 1;
    this.sweep(time);
    return decision.allowed ? { ...decision, remaining: decision.remaining - 1 } : decision;
  }

  /** Whether one more event would be allowed, without counting it. */
  peek(key: string): RateDecision {
    const time = this.now();
    const window = this.windows.get(key);
    if (!window || window.resetAt <= time) return { allowed: true, remaining: this.limit, retryAfterSeconds: 0 };
    const allowed = window.count < this.limit;
    return { allowed, remaining: Math.max(0, this.limit - window.count), retryAfterSeconds: allowed ? 0 : Math.ceil((window.resetAt - time) / 1000) };
  }

  reset(key: string): void {
    this.windows.delete(key);
  }

  /** Drops expired windows now and then so hostile keys cannot grow memory without bound. */
  private sweep(time: number): void {
    if (this.windows.size < 10_000) return;
    for (const [key, window] of this.windows) if (window.resetAt <= time) this.windows.delete(key);
  }
}

function limitFromEnv(name: string, fallback: number): number {
  const value = Number(process.env[name]);
  return Number.isInteger(value) && value > 0 ? value : fallback;
}

const FIFTEEN_MINUTES = 15 * 60_000;
const globalLimiters = globalThis as unknown as { masklabLimiters?: Record<string, RateLimiter> };

/** The process-wide limiters: failed logins per account and per client, prediction calls per key. */
export function limiters() {
  globalLimiters.masklabLimiters ??= {
    loginFailuresPerAccount: new RateLimiter(limitFromEnv("LOGIN_FAILURES_PER_ACCOUNT", 10), FIFTEEN_MINUTES),
    loginAttemptsPerClient: new RateLimiter(limitFromEnv("LOGIN_ATTEMPTS_PER_CLIENT", 30), FIFTEEN_MINUTES),
    // A ceiling on failed logins across all accounts and clients: guessing spread over many
    // spoofed addresses still stops here.
    loginFailuresOverall: new RateLimiter(limitFromEnv("LOGIN_FAILURES_OVERALL", 300), FIFTEEN_MINUTES),
    predictionsPerCaller: new RateLimiter(limitFromEnv("PREDICT_REQUESTS_PER_MINUTE", 120), 60_000),
  };
  return globalLimiters.masklabLimiters as Record<"loginFailuresPerAccount" | "loginAttemptsPerClient" | "loginFailuresOverall" | "predictionsPerCaller", RateLimiter>;
}

/** Forgets every count (tests and benchmarks start each case from fresh limits, read again from the environment). */
export function resetLimiters(): void {
  globalLimiters.masklabLimiters = undefined;
}
