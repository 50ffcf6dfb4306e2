/**
 * The rate-limit headers a server sends and a client paces itself by. `RateLimit-Policy` follows
 * the IETF httpapi draft: "<limit>;w=<window seconds>". `Retry-After` is RFC 9110: delta-seconds
 * or an HTTP date.
 */
export interface RateLimitPolicy {
  limit: number;
  windowSeconds: number;
}

export function formatRateLimitPolicy(limit: number, windowMs: number): string {
  return `${limit};w=${Math.max(1, Math.ceil(windowMs / 1000))}`;
}

export function parseRateLimitPolicy(header: string | null | undefined): RateLimitPolicy | null {
  const match = /^\s*(\d+)\s*;\s*w=(\d+)\b/.exec(header ?? "");
  if (!match) return null;
  const limit = Number(match[1]);
  const windowSeconds = Number(match[2]);
  return limit > 0 && windowSeconds > 0 ? { limit, windowSeconds } : null;
}

/** How long Retry-After asks to wait, in milliseconds from `now`; null when absent or unreadable. */
export function retryAfterMs(header: string | null | undefined, now: number): number | null {
  const value = (header ?? "").trim();
  if (!value) return null;
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}
