import { db as processDb, isUniqueViolation, type Db } from "../platform/db";

/**
 * Fixed-window counters kept in the database (RateLimitCounter), so every web instance behind a
 * balancer draws on the same budget. Each step is one atomic statement (UPDATE … RETURNING, or an
 * INSERT that a unique key guards), never a read-then-write, so concurrent hits from any number of
 * processes count exactly, on SQLite and PostgreSQL alike.
 */
export interface RateDecision {
  allowed: boolean;
  remaining: number;
  retryAfterSeconds: number;
}

/** Expired windows older than this are swept; the slack keeps a sweep off windows being renewed. */
const SWEEP_AFTER_MS = 60 * 60_000;
/** Share of hits that also sweep: enough to bound the table, rare enough to cost nothing. */
const SWEEP_SHARE = 0.01;
/** A hit retries when another instance creates the same window first; more is a bug, not a race. */
const MAX_ATTEMPTS = 5;

export interface RateLimiterOptions {
  now?: () => number;
  /** a number in [0, 1) per hit; below the sweep share, the hit also sweeps expired windows */
  random?: () => number;
}

export class RateLimiter {
  private readonly now: () => number;
  private readonly random: () => number;

  /** `name` prefixes every key in the table, so limiters never share a window by accident. */
  constructor(
    readonly name: string,
    readonly limit: number,
    readonly windowMs: number,
    options: RateLimiterOptions = {},
  ) {
    this.now = options.now ?? Date.now;
    this.random = options.random ?? Math.random;
  }

  /** Counts one event for the key and says whether it is within the limit. */
  async hit(key: string, database: Db = processDb()): Promise<RateDecision> {
    const counters = database.rateLimitCounter;
    const id = this.keyOf(key);
    const time = this.now();
    if (this.random() < SWEEP_SHARE) await counters.deleteMany({ where: { resetAt: { lt: new Date(time - SWEEP_AFTER_MS) } } });
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      // 1. A live window: count in it.
      const [counted] = await counters.updateManyAndReturn({ where: { key: id, resetAt: { gt: new Date(time) } }, data: { count: { increment: 1 } } });
      if (counted) return this.decide(counted.count, counted.resetAt.getTime(), time);
      // 2. An expired window: start it again (only one of several racing instances matches).
      const resetAt = new Date(time + this.windowMs);
      const [renewed] = await counters.updateManyAndReturn({ where: { key: id, resetAt: { lte: new Date(time) } }, data: { count: 1, resetAt } });
      if (renewed) return this.decide(renewed.count, renewed.resetAt.getTime(), time);
      // 3. No window: open one; if another instance just did, count in theirs.
      try {
        await counters.create({ data: { key: id, count: 1, resetAt } });
        return this.decide(1, resetAt.getTime(), time);
      } catch (error) {
        if (!isUniqueViolation(error)) throw error;
      }
    }
    throw new Error(`rate limit ${this.name}: the window for a key kept changing under ${MAX_ATTEMPTS} attempts`);
  }

  /** Whether one more event would be allowed, without counting it. */
  async peek(key: string, database: Db = processDb()): Promise<RateDecision> {
    const time = this.now();
    const window = await database.rateLimitCounter.findUnique({ where: { key: this.keyOf(key) } });
    if (!window || window.resetAt.getTime() <= time) return { allowed: true, remaining: this.limit, retryAfterSeconds: 0 };
    const allowed = window.count < this.limit;
    return { allowed, remaining: Math.max(0, this.limit - window.count), retryAfterSeconds: allowed ? 0 : this.secondsUntil(window.resetAt.getTime(), time) };
  }

  async reset(key: string, database: Db = processDb()): Promise<void> {
    await database.rateLimitCounter.deleteMany({ where: { key: this.keyOf(key) } });
  }

  private keyOf(key: string): string {
    return `${this.name}:${key}`;
  }

  /** The decision for an event that made the window's count `count` (itself included). */
  private decide(count: number, resetAt: number, time: number): RateDecision {
    const allowed = count <= this.limit;
    return { allowed, remaining: Math.max(0, this.limit - count), retryAfterSeconds: allowed ? 0 : this.secondsUntil(resetAt, time) };
  }

  private secondsUntil(resetAt: number, time: number): number {
    return Math.ceil((resetAt - time) / 1000);
  }
}

function limitFromEnv(name: string, fallback: number): number {
  const value = Number(process.env[name]);
  return Number.isInteger(value) && value > 0 ? value : fallback;
}

const FIFTEEN_MINUTES = 15 * 60_000;
type LimiterName = "loginFailuresPerAccount" | "loginAttemptsPerClient" | "loginFailuresOverall" | "predictionsPerCaller";
/** masklabDb is where db.ts keeps the process-wide client. */
const globalLimiters = globalThis as unknown as { masklabLimiters?: Record<LimiterName, RateLimiter>; masklabDb?: Db };

/** The process-wide limiters: failed logins per account and per client, prediction calls per key. */
export function limiters(): Record<LimiterName, RateLimiter> {
  globalLimiters.masklabLimiters ??= {
    loginFailuresPerAccount: new RateLimiter("loginFailuresPerAccount", limitFromEnv("LOGIN_FAILURES_PER_ACCOUNT", 10), FIFTEEN_MINUTES),
    loginAttemptsPerClient: new RateLimiter("loginAttemptsPerClient", limitFromEnv("LOGIN_ATTEMPTS_PER_CLIENT", 30), FIFTEEN_MINUTES),
    // A ceiling on failed logins across all accounts and clients: guessing spread over many
    // spoofed addresses still stops here.
    loginFailuresOverall: new RateLimiter("loginFailuresOverall", limitFromEnv("LOGIN_FAILURES_OVERALL", 300), FIFTEEN_MINUTES),
    predictionsPerCaller: new RateLimiter("predictionsPerCaller", limitFromEnv("PREDICT_REQUESTS_PER_MINUTE", 120), 60_000),
  };
  return globalLimiters.masklabLimiters;
}

/**
 * Forgets every count (tests and benchmarks start each case from fresh limits, read again from
 * the environment): the limiters at once, and the stored windows of the process-wide database
 * when one is open (a hook may call this with arguments of its own, so it takes none).
 */
export async function resetLimiters(): Promise<void> {
  globalLimiters.masklabLimiters = undefined;
  await globalLimiters.masklabDb?.rateLimitCounter.deleteMany();
}
