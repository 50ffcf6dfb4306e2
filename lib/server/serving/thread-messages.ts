import { z } from "zod";
import { servedDetectionSchema } from "@/lib/contracts/http/serving";

/**
 * Messages between the inference pool (inference-pool.ts, the web or monitor process) and each
 * of its threads (inference-thread.ts). Every request carries an id its reply repeats; the thread
 * parses every request, the pool every reply. Pixels and embeddings travel as transferred
 * ArrayBuffers, model files are copied once per thread when a version loads.
 */

const bytes = z.custom<Uint8Array>((value) => value instanceof Uint8Array, "a Uint8Array");

export const threadRequestSchema = z.discriminatedUnion("type", [
  /** Load a TF.js model version from its files (model.json, weights.bin, masklab.json), beside any already loaded. */
  z.object({ type: z.literal("load"), requestId: z.number().int(), versionId: z.string(), files: z.object({ "model.json": bytes, "weights.bin": bytes, "masklab.json": bytes }) }),
  /** One decoded RGB image through a loaded version: detections plus the image's embedding. */
  z.object({ type: z.literal("detect"), requestId: z.number().int(), versionId: z.string(), image: z.object({ data: bytes, width: z.number().int().positive(), height: z.number().int().positive() }) }),
  /** Which versions the thread holds (health, tests). */
  z.object({ type: z.literal("status"), requestId: z.number().int() }),
  /** Free a version's weights once no detection is using it (no reply). */
  z.object({ type: z.literal("unload"), versionId: z.string() }),
]);
export type ThreadRequest = z.infer<typeof threadRequestSchema>;

export const threadReplySchema = z.discriminatedUnion("type", [
  /** Sent once, when the thread's TF.js backend is up (before any other reply). */
  z.object({ type: z.literal("ready"), backend: z.string(), description: z.string() }),
  z.object({ type: z.literal("loaded"), requestId: z.number().int() }),
  z.object({
    type: z.literal("detected"),
    requestId: z.number().int(),
    detections: z.array(servedDetectionSchema),
    embedding: z.custom<Float32Array>((value) => value instanceof Float32Array, "a Float32Array"),
    /** pixels in to detections out, inside the thread */
    inferenceMs: z.number().nonnegative(),
  }),
  z.object({ type: z.literal("status"), requestId: z.number().int(), versions: z.array(z.string()) }),
  /** The request failed inside the thread (a broken artifact, an unknown version): the message says why. */
  z.object({ type: z.literal("failed"), requestId: z.number().int(), message: z.string() }),
]);
export type ThreadReply = z.infer<typeof threadReplySchema>;
