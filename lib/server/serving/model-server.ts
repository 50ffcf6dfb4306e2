import type { ServedDetection } from "@/lib/contracts/http/serving";
import type { RgbImage } from "@/lib/detection/common/preprocess";
import type { Detector } from "@/lib/detection/detector";
import type { ModelVersion } from "@/generated/prisma/client";
import { db as defaultDb, type Db } from "../platform/db";
import { DomainError } from "../platform/errors";
import { NotFoundError } from "../platform/not-found";
import { findModelVersion, productionModel, readModelFiles, requireRunnableModel } from "../models/model-registry";
import { loadModelDetector } from "../models/model-loader";
import type { BlobStore } from "../platform/storage";
import { InferencePool, type ThreadStatus } from "./inference-pool";
import { InferenceQueue, type QueueState, type QueueTicket } from "./inference-queue";
import { servingSettings, type ServingSettings } from "./serving-settings";

/** The request names a model version that does not exist. */
export class UnknownModelError extends NotFoundError {}
/** Nothing is in production to serve: the service is unavailable until a version is promoted. */
export class NoProductionModelError extends DomainError {
  readonly status = 503;
}
/** The version exists but its artifact does not load (missing blobs, a broken file). */
export class ModelLoadError extends DomainError {
  readonly status = 503;
}

/** One image through a model as serving runs it: what its post-processing keeps, and the image's embedding. */
export interface ModelDetections {
  detections: ServedDetection[];
  embedding: Float32Array;
  /** pixels in to detections out, where the model ran */
  inferenceMs: number;
}

interface Loaded {
  version: ModelVersion;
  /** an ONNX model runs in this process; a TF.js one in every thread of the pool (null here) */
  detector: Detector | null;
  /** requests using it now (waiting included): a replaced model is freed when the last one finishes */
  users: number;
  retired: boolean;
}

/**
 * Where a version runs. TF.js models run in the pool of inference threads, one wasm engine per
 * core. ONNX models stay in this process, one inference at a time: onnxruntime-node already
 * spreads each inference over every core (intra-op threads, onnx-runtime.ts), so a session per
 * thread would only make the cores take turns.
 */
const inProcess = (version: Pick<ModelVersion, "format">) => version.format === "onnx";

/**
 * Models for serving, loaded once and kept warm. Which version is in production is re-read at
 * most every `productionTtlMs`, so a promotion takes effect within that time without dropping
 * requests: the new version loads beside the old one (in every inference thread), new requests
 * go to it, and the old one is freed when its last request finishes. Inferences wait in a
 * bounded, arrival-ordered queue (inference-queue.ts) and run on the first free thread
 * (inference-pool.ts: SERVE_THREADS, default one per core); a full queue answers 503 with
 * Retry-After. Everything around an inference (decoding, statistics, logging) runs concurrently.
 */
export class ModelServer {
  private readonly loaded = new Map<string, Promise<Loaded>>();
  private production: { at: number; version: ModelVersion | null } | null = null;
  private readonly settings: ServingSettings;
  private readonly pool: InferencePool;
  private readonly processQueue: InferenceQueue;
  private active = 0;
  private readonly whenIdle: Array<() => void> = [];

  constructor(
    private readonly deps: { store: BlobStore; db?: Db },
    private readonly options: { productionTtlMs?: number; keepLoaded?: number } & Partial<ServingSettings> = {},
  ) {
    // Every serving setting the caller gives wins over the environment's (servingSettings reads only its own fields).
    this.settings = servingSettings(options);
    this.pool = new InferencePool(this.settings);
    this.processQueue = new InferenceQueue(1, this.settings.queueLimit);
  }

  /** The version a request names (id, NAME, NAME@VERSION) or, by default, the production one. */
  async resolve(reference?: string): Promise<ModelVersion> {
    const database = this.deps.db ?? defaultDb();
    if (reference && reference !== "production") {
      const version = await findModelVersion(reference, database);
      if (!version) throw new UnknownModelError(`no model version "${reference}"`);
      return version;
    }
    const ttl = this.options.productionTtlMs ?? 2000;
    if (!this.production || Date.now() - this.production.at > ttl) this.production = { at: Date.now(), version: await productionModel(database) };
    if (!this.production.version) throw new NoProductionModelError("no model version is in production yet: promote one on the Models page");
    return this.production.version;
  }

  /**
   * A place in the queue of the engine that runs `version`, taken as a request arrives and before
   * its image is decoded, so at most the queue's limit of decoded images ever wait. Throws
   * ServingBusyError (503, Retry-After) when the queue is full. Pass it to `detect`, or `leave()` it.
   */
  enter(version: Pick<ModelVersion, "format">): QueueTicket {
    return (inProcess(version) ? this.processQueue : this.pool.queue).enter();
  }

  /** One decoded image through the version (its own post-processing), after the requests queued before it. */
  async detect(version: ModelVersion, image: RgbImage, ticket?: QueueTicket): Promise<ModelDetections> {
    this.active++;
    try {
      const loaded = await this.load(version).catch((error: unknown) => {
        ticket?.leave();
        throw error;
      });
      loaded.users++;
      try {
        if (!loaded.detector) return await this.pool.detect(version.id, image, ticket);
        const detector = loaded.detector;
        return await (ticket ?? this.processQueue.enter()).run(async () => {
          const started = performance.now();
          const { detections, embeddings } = await detector.detectWithEmbedding([image]);
          const inferenceMs = performance.now() - started;
          return { detections: detections[0]!.map(({ className, score, box }) => ({ className, score, box })), embedding: embeddings[0]!, inferenceMs };
        });
      } finally {
        loaded.users--;
        if (loaded.retired && loaded.users === 0) this.free(loaded);
      }
    } finally {
      if (--this.active === 0) for (const resolve of this.whenIdle.splice(0)) resolve();
    }
  }

  /** Versions currently held in memory (for health and tests). */
  loadedVersions(): string[] {
    return [...this.loaded.keys()];
  }

  /** Each inference thread and the versions it holds, asked of the threads (health, tests). */
  threads(): Promise<ThreadStatus[]> {
    return this.pool.status();
  }

  /** The TF.js queue now: threads busy, requests waiting, the recent time per request. */
  queueState(): QueueState {
    return this.pool.queue.state();
  }

  /** Stops one inference thread as a crash would; the pool replaces it (operators, tests). */
  terminateThread(lane: number): Promise<void> {
    return this.pool.terminateThread(lane);
  }

  private load(version: ModelVersion): Promise<Loaded> {
    let entry = this.loaded.get(version.id);
    if (!entry) {
      entry = (async () => {
        try {
          if (inProcess(version)) return { version, detector: await loadModelDetector(version, this.deps.store), users: 0, retired: false };
          requireRunnableModel(version, "run");
          await this.pool.load(version.id, await readModelFiles(version.artifactKey, this.deps.store));
          return { version, detector: null, users: 0, retired: false };
        } catch (error) {
          if (error instanceof DomainError) throw error; // a refusal in words (a results-only version, a thread that cannot start)
          throw new ModelLoadError(`${version.name} v${version.version} cannot be loaded: ${(error as Error).message}`);
        }
      })();
      // A load that fails is forgotten, so the next request tries again (and reports why).
      entry.catch(() => this.loaded.delete(version.id));
      this.loaded.set(version.id, entry);
      void this.evictBeyond(this.options.keepLoaded ?? 2, version.id);
    }
    return entry;
  }

  private free(loaded: Loaded): void {
    if (loaded.detector) loaded.detector.dispose();
    else this.pool.unload(loaded.version.id);
  }

  /** Keeps the newest `keep` versions loaded; older ones are freed once idle. */
  private async evictBeyond(keep: number, newest?: string): Promise<void> {
    const ids = [...this.loaded.keys()];
    for (const id of ids.slice(0, Math.max(0, ids.length - keep))) {
      const entry = this.loaded.get(id);
      if (id === newest || !entry) continue;
      this.loaded.delete(id);
      const loaded = await entry.catch(() => null);
      if (!loaded) continue;
      loaded.retired = true;
      if (loaded.users === 0) this.free(loaded);
    }
  }

  /** Frees every loaded model and stops the threads (a process that stops serving, a test that is done); requests in flight finish first. */
  async dispose(): Promise<void> {
    await this.evictBeyond(0);
    if (this.active > 0) await new Promise<void>((resolve) => this.whenIdle.push(resolve));
    await this.pool.close();
  }
}

/** The process's model server (one per Next.js server process; kept across dev reloads), SERVE_THREADS and SERVE_QUEUE_LIMIT from the environment. */
export function modelServer(store: BlobStore): ModelServer {
  const holder = globalThis as unknown as { masklabModelServer?: ModelServer };
  holder.masklabModelServer ??= new ModelServer({ store });
  return holder.masklabModelServer;
}
