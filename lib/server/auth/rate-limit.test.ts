import { spawn } from "node:child_process";
import { once } from "node:events";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb, type Db } from "../platform/db";
import { createTestEnv, testEngines, type TestEnv } from "../testing/test-env";
import { limiters, RateLimiter, resetLimiters, type RateDecision } from "./rate-limit";

/**
 * A separate Node process (another web instance) that hits `key` `count` times at once with a
 * limit of 50, on the database at `url`, once told to go; its decisions come back as JSON.
 */
function hitter(url: string, key: string, count: number) {
  const script = `
    import { once } from "node:events";
    import { createDb } from "./lib/server/platform/db.ts";
    import { RateLimiter } from "./lib/server/auth/rate-limit.ts";
    const db = createDb(process.env.RACE_URL);
    const limiter = new RateLimiter("race", 50, 60_000);
    await db.rateLimitCounter.count();
    process.stdout.write("ready\\n");
    await once(process.stdin, "data");
    const decisions = await Promise.all(Array.from({ length: ${count} }, () => limiter.hit(process.env.RACE_KEY, db)));
    process.stdout.write(JSON.stringify(decisions) + "\\n");
    await db.$disconnect();
    process.exit(0);`;
  const child = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], { env: { ...process.env, RACE_URL: url, RACE_KEY: key }, stdio: ["pipe", "pipe", "pipe"] });
  let out = "";
  let err = "";
  child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (err += chunk.toString()));
  const exited = once(child, "exit");
  return {
    ready: (async () => {
      while (!out.includes("ready\n")) {
        if (child.exitCode !== null) throw new Error(`the hitting process died: ${err}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    })(),
    go: () => child.stdin.write("go\n"),
    done: exited.then(([code]) => {
      if (code !== 0) throw new Error(`the hitting process exited ${code}: ${err}`);
      return JSON.parse(out.split("\n")[1]!) as RateDecision[];
    }),
  };
}

/** The limiter on a real database: what every web instance shares. */
describe.each(testEngines())("rate limits on %s", (engine) => {
  let env: TestEnv;
  /** a second client of the same database: another web instance (used in turn, not at once: two SQLite connections in one thread would wait on each other's locks) */
  let other: Db;
  beforeAll(async () => {
    env = await createTestEnv({ engine });
    other = createDb(env.url);
  });
  afterAll(async () => {
    await other.$disconnect();
    await env.cleanup();
  });

  let counter = 0;
  /** A key no other test touches. */
  const freshKey = () => `key-${++counter}`;

  it("counts per key within a window, says what remains, and opens again after it", async () => {
    let now = 1_000_000;
    const limiter = new RateLimiter("test", 2, 1000, { now: () => now });
    const [a, b] = [freshKey(), freshKey()];
    expect(await limiter.peek(a, env.db)).toEqual({ allowed: true, remaining: 2, retryAfterSeconds: 0 });
    expect(await limiter.hit(a, env.db)).toEqual({ allowed: true, remaining: 1, retryAfterSeconds: 0 });
    expect(await limiter.peek(a, env.db)).toEqual({ allowed: true, remaining: 1, retryAfterSeconds: 0 });
    expect(await limiter.hit(a, env.db)).toEqual({ allowed: true, remaining: 0, retryAfterSeconds: 0 });
    now += 100;
    expect(await limiter.hit(a, env.db)).toEqual({ allowed: false, remaining: 0, retryAfterSeconds: 1 });
    expect(await limiter.peek(a, env.db)).toEqual({ allowed: false, remaining: 0, retryAfterSeconds: 1 });
    expect((await limiter.hit(b, env.db)).allowed).toBe(true);
    now += 900; // the window of a ends
    expect(await limiter.peek(a, env.db)).toEqual({ allowed: true, remaining: 2, retryAfterSeconds: 0 });
    expect(await limiter.hit(a, env.db)).toEqual({ allowed: true, remaining: 1, retryAfterSeconds: 0 });
    await limiter.reset(a, env.db);
    expect(await limiter.peek(a, env.db)).toEqual({ allowed: true, remaining: 2, retryAfterSeconds: 0 });
  });

  it("Retry-After counts whole seconds up to the window's end", async () => {
    let now = 5_000_000;
    const limiter = new RateLimiter("test", 1, 15 * 60_000, { now: () => now });
    const key = freshKey();
    await limiter.hit(key, env.db);
    now += 60_500;
    expect(await limiter.hit(key, env.db)).toEqual({ allowed: false, remaining: 0, retryAfterSeconds: 840 }); // 839.5 s left
  });

  it("two web instances (two clients, two limiter objects) draw on one budget", async () => {
    const first = new RateLimiter("shared", 5, 60_000);
    const second = new RateLimiter("shared", 5, 60_000);
    const key = freshKey();
    for (let i = 0; i < 3; i++) expect((await first.hit(key, env.db)).allowed).toBe(true);
    expect(await second.peek(key, other)).toEqual({ allowed: true, remaining: 2, retryAfterSeconds: 0 });
    expect(await second.hit(key, other)).toMatchObject({ allowed: true, remaining: 1 });
    expect(await first.hit(key, env.db)).toMatchObject({ allowed: true, remaining: 0 });
    expect((await second.hit(key, other)).allowed).toBe(false);
    expect((await first.hit(key, env.db)).allowed).toBe(false);
    // A success on one instance clears the count for both.
    await second.reset(key, other);
    expect((await first.peek(key, env.db)).remaining).toBe(5);
    // Limiters of another name never share a window with these.
    expect((await new RateLimiter("another", 5, 60_000).peek(key, env.db)).remaining).toBe(5);
  });

  it("counts concurrent hits exactly: 50 at once on one key count 50, and exactly the limit is allowed", async () => {
    const key = freshKey();
    const limiter = new RateLimiter("burst", 1000, 60_000);
    await Promise.all(Array.from({ length: 50 }, () => limiter.hit(key, env.db)));
    expect((await env.db.rateLimitCounter.findUniqueOrThrow({ where: { key: `burst:${key}` } })).count).toBe(50);

    const tight = freshKey();
    const limited = new RateLimiter("burst", 30, 60_000);
    const decisions = await Promise.all(Array.from({ length: 50 }, () => limited.hit(tight, env.db)));
    const allowed = decisions.filter((d) => d.allowed);
    // Each allowed hit saw its own count: the remainders are 29 … 0, each once.
    expect(allowed.map((d) => d.remaining).sort((x, y) => y - x)).toEqual(Array.from({ length: 30 }, (_, i) => 29 - i));
    expect(decisions.filter((d) => !d.allowed).every((d) => d.remaining === 0 && d.retryAfterSeconds > 0 && d.retryAfterSeconds <= 60)).toBe(true);
  });

  it("concurrent hits on an expired window start exactly one new window", async () => {
    let now = 10_000_000;
    const limiter = new RateLimiter("renew", 100, 1000, { now: () => now });
    const key = freshKey();
    for (let i = 0; i < 7; i++) await limiter.hit(key, env.db);
    now += 5000;
    await Promise.all(Array.from({ length: 20 }, () => limiter.hit(key, env.db)));
    const row = await env.db.rateLimitCounter.findUniqueOrThrow({ where: { key: `renew:${key}` } });
    expect(row.count).toBe(20);
    expect(row.resetAt.getTime()).toBe(now + 1000);
  });

  it("two web processes hitting one key 40 times each, at once, count 80 and allow exactly the limit", async () => {
    const key = freshKey();
    const children = [hitter(env.url, key, 40), hitter(env.url, key, 40)];
    await Promise.all(children.map((child) => child.ready));
    for (const child of children) child.go();
    const results = await Promise.all(children.map((child) => child.done));
    expect((await env.db.rateLimitCounter.findUniqueOrThrow({ where: { key: `race:${key}` } })).count).toBe(80);
    expect(results.flat().filter((d) => d.allowed)).toHaveLength(50);
  }, 120_000);

  it("sweeps windows that ended over an hour ago, now and then, so the table stays bounded", async () => {
    const now = Date.now();
    const old = Array.from({ length: 5 }, (_, i) => ({ key: `stale:${i}`, count: 3, resetAt: new Date(now - 2 * 3600_000 - i) }));
    const recent = { key: "stale:recent", count: 3, resetAt: new Date(now - 60_000) };
    await env.db.rateLimitCounter.createMany({ data: [...old, recent] });
    const never = new RateLimiter("sweep", 10, 60_000, { now: () => now, random: () => 0.5 });
    await never.hit(freshKey(), env.db);
    expect(await env.db.rateLimitCounter.count({ where: { key: { startsWith: "stale:" } } })).toBe(6);
    const always = new RateLimiter("sweep", 10, 60_000, { now: () => now, random: () => 0 });
    await always.hit(freshKey(), env.db);
    expect((await env.db.rateLimitCounter.findMany({ where: { key: { startsWith: "stale:" } } })).map((r) => r.key)).toEqual(["stale:recent"]);
  });

  it("the process-wide limiters take their limits from the environment; resetLimiters forgets limits and counts", async () => {
    process.env.PREDICT_REQUESTS_PER_MINUTE = "7";
    try {
      await resetLimiters();
      const limiter = limiters().predictionsPerCaller;
      expect([limiter.name, limiter.limit, limiter.windowMs]).toEqual(["predictionsPerCaller", 7, 60_000]);
      // The default database is the process-wide one (the test env's).
      expect(await limiter.hit("key:abc")).toMatchObject({ allowed: true, remaining: 6 });
      expect(await env.db.rateLimitCounter.count({ where: { key: "predictionsPerCaller:key:abc" } })).toBe(1);
      await resetLimiters();
      expect(await env.db.rateLimitCounter.count()).toBe(0);
    } finally {
      delete process.env.PREDICT_REQUESTS_PER_MINUTE;
      await resetLimiters();
    }
    expect(limiters().predictionsPerCaller.limit).toBe(120);
  });
});
