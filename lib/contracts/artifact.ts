import { z } from "zod";
import { ARCHITECTURES, DETECTOR_FAMILY_CATALOGUE, familyOfArchitecture } from "@/lib/domain/detector-families";
import { firstIssue } from "@/lib/domain/validation-message";

/** The files of a model artifact: TF.js's own LayersModel format (model.json naming weights.bin) plus masklab.json. */
export const ARTIFACT_FILES = ["model.json", "weights.bin", "masklab.json"] as const;
export type ArtifactFileName = (typeof ARTIFACT_FILES)[number];
export type ArtifactFiles = Record<ArtifactFileName, Uint8Array>;

/**
 * masklab.json: what a model version carries besides its weights, everything inference needs, so
 * the worker, the server and the browser run it the same way without knowing how it was trained.
 * Training writes it; serving, the browser and `npm run predict` parse it before running a model.
 */
export const modelMetadataSchema = z
  .object({
    format: z.literal("masklab-detector/1"),
    architecture: z.enum(ARCHITECTURES),
    width: z.string(),
    backbone: z.string(),
    classes: z.array(z.string()).min(1),
    inputSize: z.number().int().positive(),
    strides: z.array(z.number().int().positive()),
    preprocessing: z.object({ letterboxFill: z.number(), normalize: z.literal("pixels/127.5-1") }),
    postprocessing: z.object({ scoreThreshold: z.number().min(0).max(1), iouThreshold: z.number().min(0).max(1), maxDetections: z.number().int().positive() }),
    /** two-stage models: the RPN's anchors per level (sizes in input pixels) and their height/width ratios */
    anchors: z.object({ levels: z.array(z.object({ stride: z.number().int().positive(), sizes: z.array(z.number().positive()).min(1) })).min(1), ratios: z.array(z.number().positive()).min(1) }).optional(),
  })
  .refine((m) => !DETECTOR_FAMILY_CATALOGUE[familyOfArchitecture(m.architecture)].anchors || m.anchors !== undefined, {
    message: "an anchor-based model needs its anchors in masklab.json",
    path: ["anchors"],
  });
export type ModelMetadata = z.infer<typeof modelMetadataSchema>;

/** A masklab.json this version cannot run a model by: not JSON, another format, or a field missing or out of range. */
export class ModelMetadataError extends Error {
  constructor(problem: string) {
    super(`masklab.json does not describe a model this version of Masklab can run (${problem})`);
    this.name = "ModelMetadataError";
  }
}

/** masklab.json's bytes, parsed and checked; anything else throws ModelMetadataError naming the first problem. */
export function parseModelMetadata(bytes: Uint8Array): ModelMetadata {
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(bytes));
  } catch (error) {
    throw new ModelMetadataError(`not JSON: ${(error as Error).message}`);
  }
  const parsed = modelMetadataSchema.safeParse(json);
  if (!parsed.success) throw new ModelMetadataError(firstIssue(parsed.error));
  return parsed.data;
}
