import { describe, expect, it } from "vitest";
import { formatRateLimitPolicy, parseRateLimitPolicy, retryAfterMs } from "./rate-limit-policy";

describe("rate-limit headers", () => {
  it("RateLimit-Policy round-trips and refuses nonsense", () => {
    expect(formatRateLimitPolicy(120, 60_000)).toBe("120;w=60");
    expect(parseRateLimitPolicy(formatRateLimitPolicy(4, 2_000))).toEqual({ limit: 4, windowSeconds: 2 });
    expect(parseRateLimitPolicy("10;w=1;comment=\"x\"")).toEqual({ limit: 10, windowSeconds: 1 });
    for (const bad of [null, "", "120", "0;w=60", "120;w=0", "a;w=1"]) expect(parseRateLimitPolicy(bad)).toBeNull();
  });

  it("Retry-After reads delta-seconds and HTTP dates", () => {
    const now = Date.parse("2026-01-01T00:00:00Z");
    expect(retryAfterMs("7", now)).toBe(7000);
    expect(retryAfterMs("Thu, 01 Jan 2026 00:00:30 GMT", now)).toBe(30_000);
    expect(retryAfterMs("Wed, 31 Dec 2025 00:00:00 GMT", now)).toBe(0);
    expect(retryAfterMs(null, now)).toBeNull();
    expect(retryAfterMs("soon", now)).toBeNull();
  });
});
