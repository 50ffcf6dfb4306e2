import { DomainError } from "../platform/errors";

/** Every place in the inference queue is taken: 503 with Retry-After; the request did no work and can be sent again. */
export class ServingBusyError extends DomainError {
  readonly status = 503;
}

/** A place in the queue, taken when a request arrives (before its image is decoded), so waiting requests never exceed the limit. */
export interface QueueTicket {
  /** Runs `work` on the first free lane once no earlier ticket that is ready still waits; once per ticket. */
  run<T>(work: (lane: number) => Promise<T>): Promise<T>;
  /** Gives the place back unused (the image did not decode); nothing once `run` was called. */
  leave(): void;
}

export interface QueueState {
  lanes: number;
  busy: number;
  /** tickets taken and not started yet (including requests still decoding their image) */
  waiting: number;
  limit: number;
  /** recent time a lane spends on one request (exponential average), null before the first */
  serviceMs: number | null;
}

/** Weight of the newest request in the average service time. */
const SERVICE_SMOOTHING = 0.2;
/** What a request is assumed to take before any has run (Retry-After's estimate). */
const ASSUMED_SERVICE_MS = 1000;

/**
 * A bounded, fair queue in front of `lanes` workers that each do one request at a time (the
 * inference threads, or the process's ONNX session). Requests start in arrival order on the first
 * free lane; one whose image is still decoding lets later ready ones pass. At most `limit` wait:
 * the next is refused with ServingBusyError, whose Retry-After is the time the waiting requests
 * need at the recent pace, so memory stays bounded whatever the load.
 */
export class InferenceQueue {
  private readonly free: number[];
  private readonly ready: Array<{ order: number; start: (lane: number) => void }> = [];
  private waiting = 0;
  private arrivals = 0;
  private serviceMs: number | null = null;

  constructor(
    readonly lanes: number,
    readonly limit: number,
  ) {
    if (!Number.isInteger(lanes) || lanes < 1) throw new Error(`an inference queue needs at least one lane, not ${lanes}`);
    if (!Number.isInteger(limit) || limit < 1) throw new Error(`an inference queue's limit must be a positive integer, not ${limit}`);
    this.free = Array.from({ length: lanes }, (_, lane) => lane);
  }

  /** A place in the queue, or ServingBusyError (503, Retry-After) when `limit` requests already wait. */
  enter(): QueueTicket {
    if (this.waiting >= this.limit) {
      const seconds = this.retryAfterSeconds();
      throw new ServingBusyError(`the server is busy: ${this.waiting} requests are already waiting for ${this.lanes === 1 ? "the inference thread" : `${this.lanes} inference threads`}; try again in ${seconds} s`, {
        headers: { "Retry-After": String(seconds) },
        details: { retryAfterSeconds: seconds },
      });
    }
    this.waiting++;
    const order = this.arrivals++;
    let state: "held" | "queued" | "left" = "held";
    return {
      run: <T>(work: (lane: number) => Promise<T>): Promise<T> => {
        if (state !== "held") throw new Error("a queue ticket runs once, and not after it was left");
        state = "queued";
        return new Promise<T>((resolve, reject) => {
          const start = (lane: number) => {
            this.waiting--;
            const started = performance.now();
            Promise.resolve()
              .then(() => work(lane))
              .then(resolve, reject)
              .finally(() => {
                this.record(performance.now() - started);
                this.free.push(lane);
                this.dispatch();
              });
          };
          const at = this.ready.findIndex((entry) => entry.order > order);
          this.ready.splice(at === -1 ? this.ready.length : at, 0, { order, start });
          this.dispatch();
        });
      },
      leave: () => {
        if (state !== "held") return;
        state = "left";
        this.waiting--;
      },
    };
  }

  /** Runs `work` with a place of its own (callers that have nothing to prepare). */
  run<T>(work: (lane: number) => Promise<T>): Promise<T> {
    return this.enter().run(work);
  }

  state(): QueueState {
    return { lanes: this.lanes, busy: this.lanes - this.free.length, waiting: this.waiting, limit: this.limit, serviceMs: this.serviceMs };
  }

  /** Seconds until the requests waiting now have run, at the recent pace (at least 1). */
  retryAfterSeconds(): number {
    const serviceMs = this.serviceMs ?? ASSUMED_SERVICE_MS;
    return Math.max(1, Math.ceil((Math.max(1, this.waiting) * serviceMs) / this.lanes / 1000));
  }

  private dispatch(): void {
    while (this.free.length > 0 && this.ready.length > 0) {
      // the lowest free lane: under light load one thread stays hot instead of all of them lukewarm
      this.free.sort((a, b) => a - b);
      this.ready.shift()!.start(this.free.shift()!);
    }
  }

  private record(ms: number): void {
    this.serviceMs = this.serviceMs === null ? ms : this.serviceMs + SERVICE_SMOOTHING * (ms - this.serviceMs);
  }
}
