import * as tf from "@tensorflow/tfjs";
import { z } from "zod";

/**
 * What a model version carries besides its weights: everything inference needs, so the worker,
 * the server and the browser run it the same way without knowing how it was trained.
 */
export const ARCHITECTURES = ["mld1s", "mld2s"] as const;
export type Architecture = (typeof ARCHITECTURES)[number];

export const modelMetadataSchema = z.object({
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
}).refine((m) => m.architecture !== "mld2s" || m.anchors !== undefined, { message: "a two-stage (mld2s) model needs its anchors", path: ["anchors"] });
export type ModelMetadata = z.infer<typeof modelMetadataSchema>;

/** The files of a model artifact: TF.js's own LayersModel format plus masklab.json. */
export interface ArtifactFiles {
  "model.json": Uint8Array;
  "weights.bin": Uint8Array;
  "masklab.json": Uint8Array;
}

const encode = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));

/** Serialises a model in memory, as tf.loadLayersModel reads it (model.json naming weights.bin). */
export async function modelToFiles(model: tf.LayersModel, metadata: ModelMetadata): Promise<ArtifactFiles> {
  let files: ArtifactFiles | undefined;
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const data = artifacts.weightData;
      const weights = data === undefined ? new Uint8Array() : new Uint8Array(Array.isArray(data) ? tf.io.concatenateArrayBuffers(data) : data);
      files = {
        "model.json": encode({ modelTopology: artifacts.modelTopology, format: "layers-model", generatedBy: `TensorFlow.js tfjs-layers v${tf.version_layers}`, convertedBy: null, weightsManifest: [{ paths: ["weights.bin"], weights: artifacts.weightSpecs }] }),
        "weights.bin": weights,
        "masklab.json": encode(modelMetadataSchema.parse(metadata)),
      };
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: "JSON", weightDataBytes: weights.byteLength } };
    }),
  );
  return files!;
}

/** Loads a model from its files (Node or browser); masklab.json is validated. */
export async function modelFromFiles(files: ArtifactFiles): Promise<{ model: tf.LayersModel; metadata: ModelMetadata }> {
  const json = JSON.parse(new TextDecoder().decode(files["model.json"])) as { modelTopology: object; weightsManifest: Array<{ weights: tf.io.WeightsManifestEntry[] }> };
  const weights = files["weights.bin"];
  const model = await tf.loadLayersModel(
    tf.io.fromMemory({
      modelTopology: json.modelTopology,
      weightSpecs: json.weightsManifest.flatMap((group) => group.weights),
      weightData: weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength) as ArrayBuffer,
    }),
  );
  const metadata = modelMetadataSchema.parse(JSON.parse(new TextDecoder().decode(files["masklab.json"])));
  return { model, metadata };
}
