import { parseRateLimitPolicy, retryAfterMs } from "@/lib/domain/rate-limit-policy";

/** What `npm run simulate` sends: `total` images, the i-th from `pick(i)`, to the prediction API. */
export interface HttpReplay {
  /** the full prediction URL, query included */
  endpoint: string;
  apiKey: string;
  total: number;
  /** requests per second asked for; slower when the server's limit says so */
  rate: number;
  pick: (i: number) => Promise<Buffer>;
  /** how often one request is retried after a 429 before it counts as failed */
  maxRetries: number;
  log: (line: string) => void;
  warn: (line: string) => void;
}

export interface ReplayOutcome {
  succeeded: number;
  failed: number;
  /** 429 answers that were waited out and retried */
  retried: number;
  /** the rate it ended up pacing at */
  ratePerSecond: number;
}

/** Stay this far under an advertised limit: a fixed window opened by a late request must not catch an early one. */
const HEADROOM = 0.9;

/**
 * Sends the images at a steady pace: the asked-for rate, or 90% of the limit the server names in
 * RateLimit-Policy, whichever is slower (the first request goes alone, so its answer sets the pace
 * before the rest follow). A 429 pauses all sending for its Retry-After and retries that request,
 * at most `maxRetries` times.
 */
export async function replayOverHttp(replay: HttpReplay): Promise<ReplayOutcome> {
  const pacer = new Pacer(1000 / replay.rate);
  const outcome: ReplayOutcome = { succeeded: 0, failed: 0, retried: 0, ratePerSecond: replay.rate };
  let announced = false;

  const send = async (i: number, body: Uint8Array<ArrayBuffer>): Promise<void> => {
    for (let attempt = 0; ; attempt++) {
      let response: Response;
      try {
        response = await fetch(replay.endpoint, { method: "POST", headers: { authorization: `Bearer ${replay.apiKey}`, "content-type": "image/jpeg" }, body });
      } catch (error) {
        return fail(i, `network error: ${(error as Error).message}`);
      }
      const policy = parseRateLimitPolicy(response.headers.get("ratelimit-policy"));
      if (policy) {
        const allowed = (HEADROOM * policy.limit) / policy.windowSeconds;
        if (allowed < outcome.ratePerSecond) {
          outcome.ratePerSecond = allowed;
          pacer.slowTo(1000 / allowed);
          if (!announced) replay.log(`  the server allows ${policy.limit} predictions per ${policy.windowSeconds} s: pacing at ${allowed.toFixed(2)}/s`);
          announced = true;
        }
      }
      if (response.status === 429 && attempt < replay.maxRetries) {
        await response.body?.cancel();
        outcome.retried++;
        pacer.pauseFor(retryAfterMs(response.headers.get("retry-after"), Date.now()) ?? 1000);
        await pacer.turn();
        continue;
      }
      if (!response.ok) return fail(i, `${response.status} ${(await response.text()).slice(0, 200)}`);
      await response.arrayBuffer();
      outcome.succeeded++;
      return;
    }
  };
  const fail = (i: number, why: string) => {
    outcome.failed++;
    if (outcome.failed <= 5) replay.warn(`request ${i + 1}: ${why}`);
  };

  const inFlight = new Set<Promise<void>>();
  const progressEvery = Math.max(1, Math.round(replay.rate * 30));
  for (let i = 0; i < replay.total; i++) {
    const body = new Uint8Array(await replay.pick(i));
    await pacer.turn();
    const request = send(i, body);
    if (i === 0) await request;
    inFlight.add(request);
    void request.finally(() => inFlight.delete(request));
    if ((i + 1) % progressEvery === 0) replay.log(`  ${i + 1}/${replay.total} sent, ${outcome.failed} failed`);
  }
  await Promise.all(inFlight);
  return outcome;
}

/** Hands out send times at most one per interval, and holds them all back during a pause. */
class Pacer {
  private next = 0;

  constructor(private intervalMs: number) {}

  /** A longer interval from now on, the slot already handed out included. */
  slowTo(intervalMs: number): void {
    if (intervalMs <= this.intervalMs) return;
    this.next += intervalMs - this.intervalMs;
    this.intervalMs = intervalMs;
  }

  pauseFor(ms: number): void {
    this.next = Math.max(this.next, Date.now() + ms);
  }

  /** Waits for this caller's slot; the slot is taken at once, so callers never share one. */
  async turn(): Promise<void> {
    const now = Date.now();
    const at = Math.max(now, this.next);
    this.next = at + this.intervalMs;
    if (at > now) await new Promise((resolve) => setTimeout(resolve, at - now));
  }
}
