import { setTimeout as sleep } from "node:timers/promises";
import type { z } from "zod";
import { WORKER_ID_HEADER } from "@/lib/contracts/http/worker-protocol";
import { RefusedForGoodError } from "../job-runner";

/**
 * The remote worker's HTTP client for the server's /api/worker routes: the token on every
 * request, the worker's id once registered, answers parsed with the protocol's schemas. Network
 * errors and 5xx answers (a server restarting) are retried with backoff for `retryForMs`;
 * 401/403 (a revoked token) are final and throw RefusedForGoodError, so the worker stops.
 */
export class WorkerApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly body: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = "WorkerApiError";
  }
}

export interface WorkerClientOptions {
  server: string;
  token: string;
  /** how long a request keeps retrying through network errors and 5xx before it gives up */
  retryForMs?: number;
  /** per attempt */
  timeoutMs?: number;
}

export class WorkerClient {
  workerId: string | null = null;
  private readonly base: URL;

  constructor(private readonly options: WorkerClientOptions) {
    this.base = new URL(options.server.endsWith("/") ? options.server : `${options.server}/`);
    if (this.base.protocol !== "https:" && this.base.protocol !== "http:") throw new Error(`--server must be an http(s) URL, not ${options.server}`);
  }

  get origin(): string {
    return this.base.origin;
  }

  /** JSON in, JSON out (parsed with `schema`); null for a 204. */
  async json<S extends z.ZodType>(method: string, path: string, schema: S, body?: unknown): Promise<z.output<S> | null> {
    const response = await this.request(method, path, body === undefined ? undefined : { body: JSON.stringify(body), contentType: "application/json" });
    if (response.status === 204) return null;
    return schema.parse(await response.json());
  }

  /** A request whose answer does not matter beyond success. */
  async send(method: string, path: string, body?: unknown): Promise<void> {
    const response = await this.request(method, path, body === undefined ? undefined : { body: JSON.stringify(body), contentType: "application/json" });
    await response.arrayBuffer();
  }

  async bytes(path: string): Promise<{ bytes: Buffer; headers: Headers } | null> {
    const response = await this.request("GET", path);
    if (response.status === 204) return null;
    return { bytes: Buffer.from(await response.arrayBuffer()), headers: response.headers };
  }

  /**
   * One request with retries. `binary` bodies go as they are. A 4xx other than 401/403 is the
   * caller's to handle (WorkerApiError with the answer's fields); `retry: false` sends once.
   */
  async request(method: string, path: string, payload?: { body: string | Uint8Array; contentType: string }, options: { retry?: boolean } = {}): Promise<Response> {
    const deadline = Date.now() + (options.retry === false ? 0 : (this.options.retryForMs ?? 120_000));
    for (let attempt = 0; ; attempt++) {
      let response: Response;
      try {
        response = await fetch(new URL(path.replace(/^\//, ""), this.base), {
          method,
          headers: {
            Authorization: `Bearer ${this.options.token}`,
            ...(this.workerId ? { [WORKER_ID_HEADER]: this.workerId } : {}),
            ...(payload ? { "Content-Type": payload.contentType } : {}),
          },
          body: payload?.body as BodyInit | undefined,
          signal: AbortSignal.timeout(this.options.timeoutMs ?? 120_000),
        });
      } catch (error) {
        if (Date.now() >= deadline) throw new Error(`${method} ${path}: ${(error as Error).message} (server ${this.base.origin} unreachable)`);
        await sleep(backoff(attempt));
        continue;
      }
      if (response.ok) return response;
      const body = (await response.json().catch(() => ({}))) as Record<string, unknown>;
      const message = `${method} ${path}: ${response.status} ${typeof body.error === "string" ? body.error : response.statusText}`;
      if (response.status === 401 || response.status === 403) throw new RefusedForGoodError(message);
      if (response.status >= 500 && Date.now() < deadline) {
        await sleep(backoff(attempt));
        continue;
      }
      throw new WorkerApiError(response.status, message, body);
    }
  }
}

function backoff(attempt: number): number {
  return Math.min(5_000, 250 * 2 ** attempt);
}
