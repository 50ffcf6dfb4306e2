/**
 * One inference thread of the pool (inference-pool.ts), started through inference-thread.mjs: its
 * own TF.js engine on the process's backend choice (wasm: one core each), the model versions the
 * pool loads into it, and one detection at a time (the pool never sends a second before the
 * first is answered). A failure is answered in words; anything that kills the thread is the
 * pool's to report and replace.
 */
import { parentPort } from "node:worker_threads";
import type { Detector } from "@/lib/detection/detector";
import { loadDetector } from "@/lib/detection/families";
import { useWorkerBackend } from "@/lib/detection/tf/node-backend";
import { threadRequestSchema, type ThreadReply, type ThreadRequest } from "./thread-messages";

if (!parentPort) throw new Error("inference-thread.ts runs only as a worker thread of the inference pool");
const port = parentPort;

interface Held {
  detector: Promise<Detector>;
  /** detections running on it; an unloaded version is disposed when the last one ends */
  users: number;
  unloaded: boolean;
}
const held = new Map<string, Held>();

const reply = (message: ThreadReply, transfer: ArrayBuffer[] = []) => port.postMessage(message, transfer);

const selection = await useWorkerBackend();
reply({ type: "ready", backend: selection.backend, description: selection.description });
port.on("message", (raw: unknown) => void handle(threadRequestSchema.parse(raw)));

async function handle(request: ThreadRequest): Promise<void> {
  if (request.type === "unload") return unload(request.versionId);
  try {
    if (request.type === "load") {
      if (!held.has(request.versionId)) {
        const entry: Held = { detector: loadDetector(request.files), users: 0, unloaded: false };
        held.set(request.versionId, entry);
        entry.detector.catch(() => held.get(request.versionId) === entry && held.delete(request.versionId));
      }
      await held.get(request.versionId)!.detector;
      reply({ type: "loaded", requestId: request.requestId });
    } else if (request.type === "detect") {
      const entry = held.get(request.versionId);
      if (!entry || entry.unloaded) throw new Error(`model version ${request.versionId} is not loaded in this inference thread`);
      entry.users++;
      try {
        const detector = await entry.detector;
        const started = performance.now();
        const { detections, embeddings } = await detector.detectWithEmbedding([request.image]);
        const inferenceMs = performance.now() - started;
        const embedding = embeddings[0]!;
        const served = detections[0]!.map(({ className, score, box }) => ({ className, score, box }));
        reply({ type: "detected", requestId: request.requestId, detections: served, embedding, inferenceMs }, [embedding.buffer as ArrayBuffer]);
      } finally {
        entry.users--;
        if (entry.unloaded && entry.users === 0) void dispose(entry);
      }
    } else {
      reply({ type: "status", requestId: request.requestId, versions: [...held].filter(([, entry]) => !entry.unloaded).map(([id]) => id) });
    }
  } catch (error) {
    reply({ type: "failed", requestId: request.requestId, message: (error as Error).message });
  }
}

function unload(versionId: string): void {
  const entry = held.get(versionId);
  if (!entry) return;
  held.delete(versionId);
  entry.unloaded = true;
  if (entry.users === 0) void dispose(entry);
}

async function dispose(entry: Held): Promise<void> {
  const detector = await entry.detector.catch(() => null);
  detector?.dispose();
}
