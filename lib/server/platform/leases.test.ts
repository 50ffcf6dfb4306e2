import { afterEach, describe, expect, it } from "vitest";
import { createTestEnv, testEngines, type TestEnv } from "../testing/test-env";
import { holdLease, leaseHolder, releaseLease } from "./leases";

describe.each(testEngines())("a deployment-wide lease on %s", (engine) => {
  let env: TestEnv;
  afterEach(async () => env?.cleanup());

  it("is held by one candidate at a time, renewed by its holder, taken over once it expires, and freed on release", async () => {
    env = await createTestEnv({ engine });
    const t0 = new Date("2026-12-05T10:00:00Z");
    const at = (seconds: number) => new Date(t0.getTime() + seconds * 1000);
    expect(await holdLease("monitor", "a", 60_000, env.db, t0)).toBe(true);
    expect(await holdLease("monitor", "b", 60_000, env.db, at(10))).toBe(false);
    expect(await holdLease("monitor", "a", 60_000, env.db, at(50))).toBe(true); // renewed until 110 s
    expect(await holdLease("monitor", "b", 60_000, env.db, at(100))).toBe(false);
    expect(await leaseHolder("monitor", env.db, at(100))).toBe("a");
    expect(await holdLease("monitor", "b", 60_000, env.db, at(111))).toBe(true); // a went silent
    expect(await holdLease("monitor", "a", 60_000, env.db, at(112))).toBe(false);
    await releaseLease("monitor", "a", env.db); // not a's any more: nothing happens
    expect(await leaseHolder("monitor", env.db, at(112))).toBe("b");
    await releaseLease("monitor", "b", env.db);
    expect(await leaseHolder("monitor", env.db, at(112))).toBeNull();
  });

  it("goes to exactly one of many candidates racing for it", async () => {
    env = await createTestEnv({ engine });
    const now = new Date();
    const results = await Promise.all(Array.from({ length: 12 }, (_, i) => holdLease("monitor", `candidate-${i}`, 60_000, env.db, now)));
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await leaseHolder("monitor", env.db, now)).toBe(`candidate-${results.indexOf(true)}`);
  });
});
