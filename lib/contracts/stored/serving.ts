import { z } from "zod";
import { predictionSummarySchema } from "../http/serving";
import { storedColumn } from "./parse";

/** A logged detection as the API answered it, its box as [xmin, ymin, xmax, ymax] in image pixels. */
export const loggedDetectionSchema = z.object({
  className: z.string(),
  score: z.number(),
  box: z.tuple([z.number(), z.number(), z.number(), z.number()]),
});

export const predictionDetectionsColumn = storedColumn("Prediction", "detections", z.array(loggedDetectionSchema));

/** The summary exactly as the API answered it. */
export const predictionSummaryColumn = storedColumn("Prediction", "summary", predictionSummarySchema);
