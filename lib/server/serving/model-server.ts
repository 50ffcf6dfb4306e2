import type { Detector } from "@/lib/detection/detector";
import { useWorkerBackend } from "@/lib/detection/tf/node-backend";
import type { ModelVersion } from "@/generated/prisma/client";
import { db as defaultDb, type Db } from "../platform/db";
import { DomainError } from "../platform/errors";
import { NotFoundError } from "../platform/not-found";
import { findModelVersion, productionModel } from "../models/model-registry";
import { loadModelDetector } from "../models/model-loader";
import type { BlobStore } from "../platform/storage";

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

interface Loaded {
  version: ModelVersion;
  detector: Detector;
  /** requests using it now: a replaced model is disposed when the last one finishes */
  users: number;
  retired: boolean;
}

/**
 * Models for serving, loaded once per process and kept warm. Which version is in production is
 * re-read at most every `productionTtlMs`, so a promotion takes effect within that time without
 * dropping requests: the new version loads beside the old one, new requests go to it, and the
 * old one is disposed when its last request finishes. Versions of any format (TF.js, ONNX) load
 * through loadModelDetector. TF.js runs one inference at a time in a
 * Node process, so inferences are queued in arrival order (requests wait, never fail, when
 * several arrive at once); everything around them (decoding, logging) runs concurrently.
 */
export class ModelServer {
  private readonly loaded = new Map<string, Promise<Loaded>>();
  private production: { at: number; version: ModelVersion | null } | null = null;
  private queue: Promise<unknown> = Promise.resolve();
  private backendReported = false;

  constructor(
    private readonly deps: { store: BlobStore; db?: Db },
    private readonly options: { productionTtlMs?: number; keepLoaded?: number } = {},
  ) {}

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

  /** Runs `work` with the version's detector, after the inferences queued before it. */
  async run<T>(version: ModelVersion, work: (detector: Detector) => Promise<T>): Promise<T> {
    const loaded = await this.load(version);
    loaded.users++;
    const turn = this.queue.then(() => work(loaded.detector));
    this.queue = turn.catch(() => undefined);
    try {
      return await turn;
    } finally {
      loaded.users--;
      if (loaded.retired && loaded.users === 0) loaded.detector.dispose();
    }
  }

  /** Versions currently held in memory (for health and tests). */
  loadedVersions(): string[] {
    return [...this.loaded.keys()];
  }

  private load(version: ModelVersion): Promise<Loaded> {
    let entry = this.loaded.get(version.id);
    if (!entry) {
      entry = (async () => {
        const backend = await useWorkerBackend();
        if (!this.backendReported) {
          this.backendReported = true;
          console.info(`[serving] TF.js backend: ${backend.backend} (${backend.reason})`);
        }
        try {
          const detector = await loadModelDetector(version, this.deps.store);
          return { version, detector, users: 0, retired: false };
        } catch (error) {
          if (error instanceof DomainError) throw error; // a refusal in words (a results-only version), not a broken artifact
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

  /** Keeps the newest `keep` versions loaded; older ones are disposed once idle. */
  private async evictBeyond(keep: number, newest?: string): Promise<void> {
    const ids = [...this.loaded.keys()];
    for (const id of ids.slice(0, Math.max(0, ids.length - keep))) {
      const entry = this.loaded.get(id);
      if (id === newest || !entry) continue;
      this.loaded.delete(id);
      const loaded = await entry.catch(() => null);
      if (!loaded) continue;
      loaded.retired = true;
      if (loaded.users === 0) loaded.detector.dispose();
    }
  }

  /** Frees every loaded model (a process that stops serving, a test that is done); requests in flight finish first. */
  async dispose(): Promise<void> {
    await this.evictBeyond(0);
  }
}

/** The process's model server (one per Next.js server process; kept across dev reloads). */
export function modelServer(store: BlobStore): ModelServer {
  const holder = globalThis as unknown as { masklabModelServer?: ModelServer };
  holder.masklabModelServer ??= new ModelServer({ store });
  return holder.masklabModelServer;
}
