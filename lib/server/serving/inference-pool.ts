import path from "node:path";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import type { ArtifactFiles } from "@/lib/contracts/artifact";
import type { RgbImage } from "@/lib/detection/common/preprocess";
import { DomainError } from "../platform/errors";
import { InferenceQueue, type QueueTicket } from "./inference-queue";
import type { ServingSettings } from "./serving-settings";
import { threadReplySchema, type ThreadReply, type ThreadRequest } from "./thread-messages";

/** An inference thread stopped while it held the request (a crash, a kill): 503, the request can be sent again; the thread is replaced. */
export class InferenceThreadError extends DomainError {
  readonly status = 503;
  constructor(message: string) {
    super(message, { headers: { "Retry-After": "1" } });
  }
}

/** What a thread answers for one image. */
export type ThreadDetections = Omit<Extract<ThreadReply, { type: "detected" }>, "type" | "requestId">;

export interface ThreadStatus {
  lane: number;
  threadId: number;
  /** the thread's TF.js backend, once it has started */
  backend: string | null;
  versions: string[];
}

/** The thread's entry, beside this file (a plain .mjs, so Node itself resolves and loads it, inside the Next.js bundle too). */
const THREAD_ENTRY = "inference-thread.mjs";

/**
 * TF.js inference on every core: `threads` worker threads, each with its own TF.js engine (wasm
 * runs on one core per engine in Node) and every loaded model version, warm. Requests wait in
 * one bounded queue (inference-queue.ts) and each runs on the first free thread; the pixels are
 * copied once into a buffer that is transferred, never cloned again. A version loads in every
 * thread beside the ones already there (load), and is freed everywhere when the model server
 * retires it (unload). A thread that dies is replaced, loading the same versions; the request it
 * held fails with InferenceThreadError instead of hanging. Threads start on the first load.
 */
export class InferencePool {
  readonly queue: InferenceQueue;
  private readonly lanes: Array<InferenceThread | null>;
  /** files of the versions every thread holds, kept so a replacement thread loads them too */
  private readonly models = new Map<string, ArtifactFiles>();
  private backendReported = false;

  private readonly timeoutMs: number;

  constructor(
    settings: ServingSettings,
    private readonly entry = path.join(path.dirname(fileURLToPath(import.meta.url)), THREAD_ENTRY),
  ) {
    this.timeoutMs = settings.timeoutMs;
    this.queue = new InferenceQueue(settings.threads, settings.queueLimit);
    this.lanes = Array.from({ length: settings.threads }, () => null);
  }

  get threads(): number {
    return this.lanes.length;
  }

  /** Loads a version in every thread (starting the threads on first use); rejects, loading it nowhere, if any thread cannot. */
  async load(versionId: string, files: ArtifactFiles): Promise<void> {
    this.models.set(versionId, files);
    try {
      await Promise.all(this.lanes.map((_, lane) => this.loadIn(this.thread(lane), versionId)));
    } catch (error) {
      this.unload(versionId);
      throw error;
    }
  }

  /** Frees a version in every thread (a detection still running on it finishes first). */
  unload(versionId: string): void {
    this.models.delete(versionId);
    for (const thread of this.lanes) {
      if (!thread?.loads.delete(versionId)) continue;
      thread.post({ type: "unload", versionId });
    }
  }

  /** One image through a loaded version on the first free thread, in the queue's order (`ticket` when the caller took its place earlier). */
  detect(versionId: string, image: RgbImage, ticket: QueueTicket = this.queue.enter()): Promise<ThreadDetections> {
    return ticket.run(async (lane) => {
      const thread = this.thread(lane);
      await this.loadIn(thread, versionId);
      const data = new Uint8Array(image.data); // the thread's own copy, transferred: the caller's pixels stay usable
      // A thread that hangs (rather than crashing) would hold its lane for ever: past the timeout it
      // is stopped like a crash, its request answered 503 and a new thread takes its place.
      const hung = setTimeout(() => {
        console.error(`[serving] an inference took over ${this.timeoutMs / 1000} s (SERVE_TIMEOUT_SECONDS); stopping its thread`);
        void thread.worker.terminate();
      }, this.timeoutMs);
      const answer = await thread.request({ type: "detect", versionId, image: { data, width: image.width, height: image.height } }, [data.buffer]).finally(() => clearTimeout(hung));
      if (answer.type !== "detected") throw new Error(`an inference thread answered a detection with "${answer.type}"`);
      return { detections: answer.detections, embedding: answer.embedding, inferenceMs: answer.inferenceMs };
    });
  }

  /** What each running thread holds, asked of the threads themselves. */
  async status(): Promise<ThreadStatus[]> {
    const running = this.lanes.flatMap((thread, lane) => (thread ? [{ thread, lane }] : []));
    return Promise.all(
      running.map(async ({ thread, lane }) => {
        const answer = await thread.request({ type: "status" });
        return { lane, threadId: thread.threadId, backend: thread.backend, versions: answer.type === "status" ? answer.versions : [] };
      }),
    );
  }

  /** Stops one thread as a crash would (its request fails, a new thread takes its place); for operators and tests. */
  async terminateThread(lane: number): Promise<void> {
    await this.lanes[lane]?.worker.terminate();
  }

  /** Stops every thread; the versions are forgotten and the next load starts new threads. */
  async close(): Promise<void> {
    this.models.clear();
    const running = this.lanes.splice(0, this.lanes.length, ...this.lanes.map(() => null));
    await Promise.all(running.map((thread) => thread?.stop()));
  }

  private thread(lane: number): InferenceThread {
    let thread = this.lanes[lane];
    if (!thread) {
      thread = this.lanes[lane] = new InferenceThread(this.entry, {
        ready: (description) => {
          if (this.backendReported) return;
          this.backendReported = true;
          console.info(`[serving] ${this.threads} inference thread${this.threads === 1 ? "" : "s"}, TF.js backend: ${description}`);
        },
        exited: (stopped) => this.replace(lane, stopped),
      });
      for (const versionId of this.models.keys()) this.loadIn(thread, versionId).catch(() => undefined); // a failure is reported to the request that needs it
    }
    return thread;
  }

  private loadIn(thread: InferenceThread, versionId: string): Promise<void> {
    let loading = thread.loads.get(versionId);
    if (!loading) {
      const files = this.models.get(versionId);
      if (!files) return Promise.reject(new Error(`model version ${versionId} is not loaded in the inference pool`));
      const started: Promise<void> = thread.request({ type: "load", versionId, files }).then(() => undefined);
      // a failed load is forgotten, so the next request tries again (and says why)
      started.catch(() => thread.loads.get(versionId) === started && thread.loads.delete(versionId));
      thread.loads.set(versionId, started);
      loading = started;
    }
    return loading;
  }

  /**
   * A thread that served is replaced at once, warm again before it is needed; one that died while
   * starting is started again only when a request needs its lane, so a thread that cannot start is
   * reported to each request in words rather than restarted in a loop.
   */
  private replace(lane: number, stopped: InferenceThread): void {
    if (this.lanes[lane] !== stopped) return;
    this.lanes[lane] = null;
    if (stopped.started) this.thread(lane);
  }
}

type ThreadRequestBody = ThreadRequest extends infer R ? (R extends { requestId: number } ? Omit<R, "requestId"> : never) : never;

let requestIds = 0;

/** One worker thread and the requests it has not answered yet. */
class InferenceThread {
  readonly worker: Worker;
  readonly threadId: number;
  readonly loads = new Map<string, Promise<void>>();
  backend: string | null = null;
  /** it reported ready: its TF.js engine came up */
  started = false;
  private readonly pending = new Map<number, { resolve: (reply: ThreadReply) => void; reject: (error: Error) => void }>();
  private problem: Error | null = null;
  private exited = false;
  private stopping = false;

  constructor(entry: string, events: { ready: (description: string) => void; exited: (thread: InferenceThread) => void }) {
    this.worker = new Worker(entry, { execArgv: [], name: "masklab-inference" });
    this.threadId = this.worker.threadId;
    // An idle thread does not keep the process alive (a CLI that is done exits); one with work does.
    this.worker.unref();
    this.worker.on("message", (raw: unknown) => {
      const parsed = threadReplySchema.safeParse(raw);
      if (!parsed.success) {
        const requestId = (raw as { requestId?: unknown } | null)?.requestId;
        const waiting = typeof requestId === "number" ? this.pending.get(requestId) : undefined;
        console.error(`[serving] an inference thread sent a malformed message: ${parsed.error.message}`);
        if (waiting && typeof requestId === "number") {
          this.settle(requestId);
          waiting.reject(new Error("an inference thread answered with a malformed message"));
        }
        return;
      }
      const reply = parsed.data;
      if (reply.type === "ready") {
        this.started = true;
        this.backend = reply.backend;
        events.ready(reply.description);
        return;
      }
      const waiting = this.pending.get(reply.requestId);
      if (!waiting) return;
      this.settle(reply.requestId);
      if (reply.type === "failed") waiting.reject(new Error(reply.message));
      else waiting.resolve(reply);
    });
    this.worker.on("error", (error) => (this.problem = error));
    this.worker.on("exit", (code) => {
      this.exited = true;
      if (this.stopping) return this.failAll(new InferenceThreadError("the inference threads were stopped: the server is shutting down"));
      const why = this.problem ? this.problem.message : `exit code ${code}`;
      console.error(`[serving] an inference thread stopped (${why})${this.started ? "; starting a new one" : ""}`);
      events.exited(this);
      this.failAll(new InferenceThreadError(this.started ? `the inference thread running this request stopped (${why}); try again` : `an inference thread could not start: ${why}`));
    });
  }

  request(body: ThreadRequestBody, transfer: ArrayBuffer[] = []): Promise<ThreadReply> {
    if (this.exited) return Promise.reject(new InferenceThreadError("the inference thread has stopped; try again"));
    const requestId = ++requestIds;
    return new Promise<ThreadReply>((resolve, reject) => {
      if (this.pending.size === 0) this.worker.ref();
      this.pending.set(requestId, { resolve, reject });
      this.worker.postMessage({ ...body, requestId } satisfies ThreadRequest, transfer);
    });
  }

  post(message: Extract<ThreadRequest, { type: "unload" }>): void {
    if (!this.exited) this.worker.postMessage(message);
  }

  async stop(): Promise<void> {
    this.stopping = true;
    await this.worker.terminate();
  }

  private settle(requestId: number): void {
    this.pending.delete(requestId);
    if (this.pending.size === 0) this.worker.unref();
  }

  private failAll(error: Error): void {
    const waiting = [...this.pending.values()];
    this.pending.clear();
    for (const { reject } of waiting) reject(error);
  }
}
