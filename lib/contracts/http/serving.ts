import { z } from "zod";
import type { PixelBox } from "@/lib/domain/box";
import type { ImageStatistics } from "@/lib/domain/image-statistics";

/** Boxes travel in image pixels, 0-based, continuous, max exclusive (lib/domain/box.ts). */
export const pixelBoxSchema = z
  .object({ xmin: z.number(), ymin: z.number(), xmax: z.number(), ymax: z.number() })
  .meta({ description: "image pixels, 0-based, max exclusive: width = xmax - xmin" }) satisfies z.ZodType<PixelBox>;

export const servedDetectionSchema = z.object({
  className: z.string(),
  score: z.number(),
  box: pixelBoxSchema,
});
export type ServedDetection = z.infer<typeof servedDetectionSchema>;

export const predictionSummarySchema = z.object({
  /** every class of the model, with how many boxes it has here (0 included) */
  countsPerClass: z.record(z.string(), z.number().int()),
  maxScore: z.number().nullable(),
  meanScore: z.number().nullable(),
});
export type PredictionSummary = z.infer<typeof predictionSummarySchema>;

export const imageStatisticsSchema = z
  .object({
    brightness: z.number().meta({ description: "mean luma / 255, 0 (black) to 1 (white)" }),
    contrast: z.number().meta({ description: "RMS contrast: standard deviation of luma / 255, 0 to 0.5" }),
    sharpness: z.number().meta({ description: "variance of the Laplacian of luma; low means blurred or flat" }),
  })
  .meta({ description: "measured on a grayscale rendering at most 256 px on a side" }) satisfies z.ZodType<ImageStatistics>;

/** What the prediction API accepts: smaller than imports (one photo per request), checked from the header before decoding. */
export const PREDICT_LIMITS = { maxBytes: 20 * 1024 * 1024, maxPixels: 40_000_000 } as const;

/** The query of POST /api/v1/predict. */
export const predictQuerySchema = z.object({
  model: z
    .string()
    .regex(/^[A-Za-z0-9_.@-]{1,100}$/, "not a model reference")
    .optional()
    .meta({ description: "a model version: its id, NAME (the newest version) or NAME@VERSION; the production model when left out" }),
  source: z
    .string()
    .regex(/^[A-Za-z0-9_.:/-]{1,64}$/, "use letters, digits and _.:/- (at most 64)")
    .optional()
    .meta({ description: "the caller's source or camera tag, logged with the prediction (drift can be sliced by it)" }),
  keep: z
    .enum(["0", "1", "false", "true"])
    .optional()
    .meta({ description: "1 or true keeps the image with the prediction log (off by default: privacy)" }),
});
export type PredictQuery = z.infer<typeof predictQuerySchema>;

/** The multipart form of POST /api/v1/predict (the raw body, image/* or application/octet-stream, works too). */
export const predictFormSchema = z.object({ image: z.file().meta({ description: "the image file (JPEG, PNG, WebP, …)" }) });

/** POST /api/v1/predict → 200: the model's detections on one image, and what was logged with them. */
export const predictionResultSchema = z.object({
  predictionId: z.string().meta({ description: "the prediction log entry (append-only)" }),
  model: z.object({ id: z.string(), name: z.string(), version: z.number().int() }),
  image: z.object({ width: z.number().int(), height: z.number().int() }),
  detections: z.array(servedDetectionSchema).meta({ description: "post-processed as the model serves: one class per box, its score threshold, NMS" }),
  summary: predictionSummarySchema,
  imageStatistics: imageStatisticsSchema,
  timing: z.object({ inferenceMs: z.number(), totalMs: z.number() }),
});
export type PredictionResult = z.infer<typeof predictionResultSchema>;
