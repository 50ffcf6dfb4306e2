import { PREDICT_LIMITS, type PredictionResult } from "@/lib/contracts/http/serving";
import { db as defaultDb, type Db } from "../platform/db";
import { checkImageHeader, decodeError } from "../images/image-probe";
import type { BlobStore } from "../platform/storage";
import { decodeImageRgb } from "../images/decode";
import type { ModelServer } from "./model-server";
import { observeImage } from "./observe";
import { logPrediction } from "./prediction-log";

/**
 * Runs a model on one image and logs the prediction (append-only). The image is checked from its
 * header first (size, pixel count), decoded once, observed (serving's post-processing, image
 * statistics, embedding: observe.ts) and logged; the image itself is stored only when the caller
 * asks (`keepImage`). Bad images throw ImageProbeError, an unknown model UnknownModelError,
 * none in production NoProductionModelError, a full inference queue ServingBusyError (503, Retry-After).
 */
export async function predictImage(
  bytes: Buffer,
  options: { model?: string; source?: string; keepImage?: boolean; at?: Date },
  deps: { server: ModelServer; store: BlobStore; db?: Db },
): Promise<PredictionResult> {
  const started = performance.now();
  const { width, height } = await checkImageHeader(bytes, PREDICT_LIMITS);
  const version = await deps.server.resolve(options.model);
  // A place in the inference queue first (503 when it is full), so only admitted images are decoded;
  // decoded once, in this thread (sharp works on its own threads), and handed to the inference thread.
  const ticket = deps.server.enter(version);
  const rgb = await decodeImageRgb(bytes).catch((error: unknown) => {
    ticket.leave();
    throw decodeError(error);
  });
  const observation = await observeImage(rgb, deps.server, version, ticket);
  const imageKey = options.keepImage ? await deps.store.put(bytes) : null;
  const totalMs = performance.now() - started;
  const logged = await logPrediction(
    { modelVersionId: version.id, at: options.at ?? new Date(), source: options.source ?? null, imageWidth: width, imageHeight: height, observation, latencyMs: totalMs, imageKey },
    deps.db ?? defaultDb(),
  );
  return {
    predictionId: logged.id,
    model: { id: version.id, name: version.name, version: version.version },
    image: { width, height },
    detections: observation.detections,
    summary: observation.summary,
    imageStatistics: observation.statistics,
    timing: { inferenceMs: observation.inferenceMs, totalMs },
  };
}
